using System.Globalization;
using System.Text.RegularExpressions;

namespace SwarmPgGitOps.Swarm;

/// <summary>Compose durations as Go writes them: "30s", "1m30s", "500ms".</summary>
public static partial class ComposeDuration
{
    public static TimeSpan? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var parts = Part().Matches(text);
        if (parts.Count == 0 || string.Concat(parts.Select(m => m.Value)) != text)
            throw new FormatException($"'{text}' is not a duration such as 30s or 1m30s");
        var ticks = 0d;
        foreach (Match part in parts)
        {
            var value = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            ticks += part.Groups[2].Value switch
            {
                "ns" => value / 100,
                "us" or "µs" => value * 10,
                "ms" => value * TimeSpan.TicksPerMillisecond,
                "s" => value * TimeSpan.TicksPerSecond,
                "m" => value * TimeSpan.TicksPerMinute,
                _ => value * TimeSpan.TicksPerHour,
            };
        }
        return TimeSpan.FromTicks((long)ticks);
    }

    [GeneratedRegex("([0-9]+(?:\\.[0-9]+)?)(ns|us|µs|ms|s|m|h)")] private static partial Regex Part();
}
