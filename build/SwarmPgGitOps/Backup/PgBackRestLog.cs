using System.Globalization;
using System.Text.RegularExpressions;

namespace SwarmPgGitOps.Backup;

/// <summary>What pgBackRest's console log says of a command it ran.</summary>
public static partial class PgBackRestLog
{
    [GeneratedRegex(@"\b(?<command>[a-z-]+) command end: completed successfully \((?<ms>\d+)ms\)")]
    private static partial Regex CommandEnd();

    /// <summary>How long pgBackRest says <paramref name="command"/> took ("backup command end: completed successfully (2613ms)"), the last such line; null when it did not complete.</summary>
    public static TimeSpan? Took(string output, string command) =>
        CommandEnd().Matches(output).Where(m => m.Groups["command"].Value == command)
            .Select(m => (TimeSpan?)TimeSpan.FromMilliseconds(long.Parse(m.Groups["ms"].Value, CultureInfo.InvariantCulture))).LastOrDefault();
}
