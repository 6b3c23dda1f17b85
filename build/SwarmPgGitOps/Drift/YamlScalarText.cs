using System.Globalization;
using System.Text;
using YamlDotNet.Core;

namespace SwarmPgGitOps.Drift;

/// <summary>Ways to write a value as a YAML scalar, the preferred one first: the original quoting style, then plain, then double-quoted.</summary>
internal static class YamlScalarText
{
    private static readonly HashSet<string> NullWords = ["", "~", "null", "Null", "NULL"];

    public static IEnumerable<string> Candidates(string value, ScalarStyle originalStyle, bool inFlow)
    {
        if (originalStyle == ScalarStyle.SingleQuoted && !value.Any(char.IsControl))
            yield return SingleQuoted(value);
        if (originalStyle is ScalarStyle.Plain or ScalarStyle.Any && CanBePlain(value, inFlow))
            yield return value;
        yield return DoubleQuoted(value);
    }

    /// <summary>A cheap first guess; the editor re-reads every result, so a wrong "yes" only costs a retry.</summary>
    private static bool CanBePlain(string value, bool inFlow)
    {
        if (NullWords.Contains(value) || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
            return false;
        if (value.Any(char.IsControl) || value.Contains(": ") || value.Contains(" #") || value.EndsWith(':'))
            return false;
        if (inFlow && value.IndexOfAny([',', '[', ']', '{', '}']) >= 0)
            return false;
        var first = value[0];
        if ("-?:".Contains(first))
            return value.Length > 1 && !char.IsWhiteSpace(value[1]);
        return !",[]{}#&*!|>'\"%@`".Contains(first);
    }

    private static string SingleQuoted(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string DoubleQuoted(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\u0085' => "\\N",
                '\u2028' => "\\L",
                '\u2029' => "\\P",
                _ when char.IsControl(c) => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }
}
