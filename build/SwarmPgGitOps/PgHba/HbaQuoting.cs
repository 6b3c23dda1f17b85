namespace SwarmPgGitOps.PgHba;

/// <summary>Writes tokens the way PostgreSQL's tokenizer reads them back.</summary>
internal static class HbaQuoting
{
    public static bool IsBlank(char c) => c is ' ' or '\t' or '\r';

    /// <summary>
    /// Characters that end or split an unquoted token, an empty token, and a trailing backslash
    /// (which at the end of a line would join the next line onto this one).
    /// </summary>
    public static bool NeedsQuotes(string text) =>
        text.Length == 0 || text.EndsWith('\\') || text.Any(c => IsBlank(c) || c is ',' or '#' or '"' or '\n');

    public static string Quote(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";

    public static string Render(HbaToken token)
    {
        if (token.IsQuoted)
            return Quote(token.Text);
        if (!NeedsQuotes(token.Text))
            return token.Text;
        // A quote after the prefix keeps +group and @file meaningful: PostgreSQL only strips
        // their meaning when the quote comes first.
        return token.Text.Length > 1 && token.Text[0] is '+' or '@'
            ? token.Text[0] + Quote(token.Text[1..])
            : Quote(token.Text);
    }

    public static string RenderBare(string text) => NeedsQuotes(text) ? Quote(text) : text;
}
