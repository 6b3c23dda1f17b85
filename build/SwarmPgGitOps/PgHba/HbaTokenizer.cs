using System.Text;

namespace SwarmPgGitOps.PgHba;

/// <summary>A token and the offset in its logical line where it starts.</summary>
internal sealed record HbaLexeme(HbaToken Token, int Offset)
{
    public string Text => Token.Text;
}

/// <summary>The fields of one record: each is a comma-separated list of tokens.</summary>
internal sealed record HbaTokenizedLine(IReadOnlyList<IReadOnlyList<HbaLexeme>> Fields, HbaTokenizeError? Error);

internal sealed record HbaTokenizeError(int Offset, string Message, string Hint);

/// <summary>
/// Port of next_token/next_field_expand from PostgreSQL 15's hba.c (and 16's on, which has no token length limit): blanks (space, tab, carriage return; not \v, \f or
/// the no-break space, which are part of a token) and commas separate tokens, a comma also continues the current field
/// (so "a, b" is one field of two names), double quotes protect blanks, commas and '#', and "" inside quotes is a
/// literal quote. An unquoted '#' ends the line. An unquoted token "@name" in any column is replaced by every token of
/// the file name (relative to the including file's folder): an empty or comment-only file leaves nothing, so the column
/// disappears when it held only that token; a file that cannot be read is an error for the line.
/// </summary>
internal static class HbaTokenizer
{
    /// <summary>PostgreSQL 15's token buffer (MAX_TOKEN, 10240 bytes) holds 10239 bytes of UTF-8, quotes excluded.</summary>
    public const int MaxTokenBytes = 10239;

    /// <summary>From PostgreSQL 16 on, a token grows as long as the line (next_token fills a StringInfo).</summary>
    private const int FirstMajorWithoutTokenLimit = 16;

    /// <summary>PostgreSQL 15 does not limit nesting (a file that includes itself exhausts the server); this check does.</summary>
    private const int MaxIncludeDepth = 10;

    /// <summary>Tokens only, @name left as written, and no limit on a token's length.</summary>
    public static HbaTokenizedLine Tokenize(string text) => Tokenize(text, null, "", 0);

    /// <summary>Tokens with @name expanded as the server does, from the file at <paramref name="filePath"/>.</summary>
    public static HbaTokenizedLine Tokenize(string text, PgHbaServerSettings settings, string filePath) => Tokenize(text, settings, filePath, 0);

    private static HbaTokenizedLine Tokenize(string text, PgHbaServerSettings? settings, string filePath, int depth)
    {
        var fields = new List<IReadOnlyList<HbaLexeme>>();
        var position = 0;
        while (position < text.Length)
        {
            var field = new List<HbaLexeme>();
            bool continuesField;
            do
            {
                var next = NextToken(text, ref position, settings is { Major: < FirstMajorWithoutTokenLimit } ? MaxTokenBytes : int.MaxValue);
                if (next.Error is not null)
                    return new HbaTokenizedLine(fields, next.Error);
                if (next.Lexeme is null)
                    break;
                if (settings is not null && next.Lexeme.Token.InclusionPath is { } included)
                {
                    if (Include(included, next.Lexeme.Offset, settings, filePath, depth, field) is { } includeError)
                        return new HbaTokenizedLine(fields, includeError);
                }
                else
                {
                    field.Add(next.Lexeme);
                }
                continuesField = next.EndsWithComma;
            } while (continuesField);

            if (field.Count > 0)
                fields.Add(field);
        }
        return new HbaTokenizedLine(fields, null);
    }

    /// <summary>tokenize_inc_file: every token of every line of the file, each placed where the @name was.</summary>
    private static HbaTokenizeError? Include(string name, int offset, PgHbaServerSettings settings, string filePath, int depth, List<HbaLexeme> field)
    {
        var fullPath = name.StartsWith('/') ? name : Path.Combine(Path.GetDirectoryName(filePath) ?? "", name);
        var text = depth < MaxIncludeDepth ? settings.ReadFile(fullPath) : null;
        if (text is null)
            return new HbaTokenizeError(offset, depth < MaxIncludeDepth
                ? $"could not open secondary authentication file \"@{name}\" as \"{fullPath}\": No such file or directory"
                : $"secondary authentication file \"@{name}\" is nested more than {MaxIncludeDepth} files deep",
                "PostgreSQL reads @name from a file beside pg_hba.conf; write the values into the line itself, or ship the file with it.");
        foreach (var line in HbaLogicalLine.Split(text))
        {
            var tokenized = Tokenize(line.Text, settings, fullPath, depth + 1);
            if (tokenized.Error is { } error)
                return error with { Offset = offset };
            field.AddRange(tokenized.Fields.SelectMany(tokens => tokens).Select(lexeme => lexeme with { Offset = offset }));
        }
        return null;
    }

    private sealed record NextTokenResult(HbaLexeme? Lexeme, bool EndsWithComma, HbaTokenizeError? Error);

    private static NextTokenResult NextToken(string text, ref int position, int maxTokenBytes)
    {
        while (position < text.Length && (HbaQuoting.IsBlank(text[position]) || text[position] == ','))
            position++;

        var start = position;
        var buffer = new StringBuilder();
        var bytes = 0;
        bool inQuote = false, wasQuote = false, sawQuote = false, initialQuote = false, endsWithComma = false;

        while (position < text.Length && (!HbaQuoting.IsBlank(text[position]) || inQuote))
        {
            var c = text[position];
            if (c == '#' && !inQuote)
            {
                position = text.Length;
                break;
            }
            // The server checks the buffer before each byte, so a character of n bytes needs n - 1 free after the first.
            var width = char.IsHighSurrogate(c) && position + 1 < text.Length ? 4 : CLibrary.ByteCount(c.ToString());
            if (bytes + width - 1 >= maxTokenBytes)
            {
                position = text.Length;
                return new NextTokenResult(null, false,
                    new HbaTokenizeError(start, $"authentication file token too long, skipping: \"{Head(buffer)}...\" (more than {MaxTokenBytes} bytes)",
                        $"Shorten it: PostgreSQL reads at most {MaxTokenBytes} bytes (UTF-8) per token."));
            }
            if (c == ',' && !inQuote)
            {
                endsWithComma = true;
                position++;
                break;
            }
            var take = width == 4 ? 2 : 1;
            if (c != '"' || wasQuote)
            {
                buffer.Append(text, position, take);
                bytes += width;
            }
            wasQuote = inQuote && c == '"' && !wasQuote;
            if (c == '"')
            {
                inQuote = !inQuote;
                sawQuote = true;
                if (buffer.Length == 0)
                    initialQuote = true;
            }
            position += take;
        }

        var lexeme = sawQuote || buffer.Length > 0
            ? new HbaLexeme(new HbaToken(buffer.ToString(), initialQuote), start)
            : null;
        return new NextTokenResult(lexeme, endsWithComma, null);
    }

    private static string Head(StringBuilder buffer) => buffer.ToString(0, Math.Min(40, buffer.Length));
}
