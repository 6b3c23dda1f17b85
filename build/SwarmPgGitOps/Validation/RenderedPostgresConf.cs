using System.Text.RegularExpressions;

namespace SwarmPgGitOps.Validation;

/// <summary>
/// Reads settings back from a rendered postgresql.conf as the server would: `name = value` or `name value`, the value
/// bare or in single quotes ('' is a quote), '#' starting a comment outside quotes, the last assignment winning.
/// </summary>
public static partial class RenderedPostgresConf
{
    public static string? Value(string text, string name)
    {
        string? value = null;
        foreach (var line in text.Split('\n'))
        {
            var match = Assignment().Match(line);
            if (match.Success && string.Equals(match.Groups["name"].Value, name, StringComparison.OrdinalIgnoreCase))
                value = match.Groups["quoted"].Success ? match.Groups["quoted"].Value.Replace("''", "'", StringComparison.Ordinal) : match.Groups["bare"].Value;
        }
        return value;
    }

    /// <summary>Whether the file turns ssl on; PostgreSQL's default is off.</summary>
    public static bool SslEnabled(string text) =>
        Value(text, "ssl") is { } value && Postgres.SettingComparison.ParseBool(value) == true;

    [GeneratedRegex(@"^\s*(?<name>[A-Za-z_][A-Za-z0-9_.\-]*)\s*=?\s*(?:'(?<quoted>(?:[^'\\]|''|\\.)*)'|(?<bare>[^\s#']+))?\s*(?:#.*)?\r?$")]
    private static partial Regex Assignment();
}
