using System.Text;

namespace SwarmPgGitOps.PgHba;

/// <summary>A token and the offset in its logical line where it starts.</summary>
internal sealed record HbaLexeme(HbaToken Token, int Offset)
{
    public string Text => Token.Text;
}

/// <summary>The fields of one record: each is a comma-separated list of tokens.</summary>
internal sealed record HbaTokenizedLine(IReadOnlyList<IReadOnlyList<HbaLexeme>> Fields, HbaTokenizeError? Error);

internal sealed record HbaTokenizeError(int Offset, string Message);

/// <summary>
/// Port of next_token/next_field_expand from PostgreSQL 15's hba.c: blanks and commas separate tokens,
/// a comma also continues the current field (so "a, b" is one field of two names), double quotes protect
/// blanks, commas and '#', and "" inside quotes is a literal quote. An unquoted '#' ends the line.
/// </summary>
internal static class HbaTokenizer
{
    /// <summary>
    /// PostgreSQL 15's token buffer (MAX_TOKEN, 10240 bytes) holds 10239 characters; a quote that would come after a
    /// full buffer counts too. Measured against a 15.18 server by the bad-input agreement test.
    /// </summary>
    public const int MaxTokenLength = 10239;

    public static HbaTokenizedLine Tokenize(string text)
    {
        var fields = new List<IReadOnlyList<HbaLexeme>>();
        var position = 0;
        while (position < text.Length)
        {
            var field = new List<HbaLexeme>();
            bool continuesField;
            do
            {
                var next = NextToken(text, ref position);
                if (next.Error is not null)
                    return new HbaTokenizedLine(fields, next.Error);
                if (next.Lexeme is null)
                    break;
                field.Add(next.Lexeme);
                continuesField = next.EndsWithComma;
            } while (continuesField);

            if (field.Count > 0)
                fields.Add(field);
        }
        return new HbaTokenizedLine(fields, null);
    }

    private sealed record NextTokenResult(HbaLexeme? Lexeme, bool EndsWithComma, HbaTokenizeError? Error);

    private static NextTokenResult NextToken(string text, ref int position)
    {
        while (position < text.Length && (HbaQuoting.IsBlank(text[position]) || text[position] == ','))
            position++;

        var start = position;
        var buffer = new StringBuilder();
        bool inQuote = false, wasQuote = false, sawQuote = false, initialQuote = false, endsWithComma = false;

        while (position < text.Length && (!HbaQuoting.IsBlank(text[position]) || inQuote))
        {
            var c = text[position];
            if (c == '#' && !inQuote)
            {
                position = text.Length;
                break;
            }
            if (buffer.Length >= MaxTokenLength)
            {
                position = text.Length;
                return new NextTokenResult(null, false,
                    new HbaTokenizeError(start, $"authentication file token too long, skipping: \"{buffer.ToString(0, 40)}...\" ({MaxTokenLength} characters read)"));
            }
            if (c == ',' && !inQuote)
            {
                endsWithComma = true;
                position++;
                break;
            }
            if (c != '"' || wasQuote)
                buffer.Append(c);
            wasQuote = inQuote && c == '"' && !wasQuote;
            if (c == '"')
            {
                inQuote = !inQuote;
                sawQuote = true;
                if (buffer.Length == 0)
                    initialQuote = true;
            }
            position++;
        }

        var lexeme = sawQuote || buffer.Length > 0
            ? new HbaLexeme(new HbaToken(buffer.ToString(), initialQuote), start)
            : null;
        return new NextTokenResult(lexeme, endsWithComma, null);
    }
}
