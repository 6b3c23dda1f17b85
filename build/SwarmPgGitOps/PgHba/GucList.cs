using System.Text;

namespace SwarmPgGitOps.PgHba;

/// <summary>
/// SplitGUCList as PostgreSQL uses it for the radius* options: comma-separated, blanks around entries ignored,
/// double quotes protect commas ("" is a quote). Returns null on a syntax error such as an empty entry.
/// </summary>
internal static class GucList
{
    public static IReadOnlyList<string>? Split(string text)
    {
        var items = new List<string>();
        var index = SkipBlanks(text, 0);
        if (index == text.Length)
            return items;
        while (true)
        {
            var item = new StringBuilder();
            if (index < text.Length && text[index] == '"')
            {
                index++;
                while (true)
                {
                    if (index >= text.Length)
                        return null;
                    if (text[index] == '"')
                    {
                        if (index + 1 < text.Length && text[index + 1] == '"')
                        {
                            item.Append('"');
                            index += 2;
                            continue;
                        }
                        index++;
                        break;
                    }
                    item.Append(text[index++]);
                }
            }
            else
            {
                while (index < text.Length && text[index] != ',' && !IsScannerSpace(text[index]))
                    item.Append(text[index++]);
                if (item.Length == 0)
                    return null;
            }
            items.Add(item.ToString());
            index = SkipBlanks(text, index);
            if (index == text.Length)
                return items;
            if (text[index] != ',')
                return null;
            index = SkipBlanks(text, index + 1);
        }
    }

    /// <summary>scanner_isspace: the SQL scanner's blanks, which leave out \v.</summary>
    private static bool IsScannerSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\f';

    private static int SkipBlanks(string text, int index)
    {
        while (index < text.Length && IsScannerSpace(text[index]))
            index++;
        return index;
    }
}
