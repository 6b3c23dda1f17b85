using System.Globalization;
using System.Text.RegularExpressions;

namespace SwarmPgGitOps.Postgres;

/// <summary>
/// Compares a setting as written in the environment ("1GB", "on", "64MB") with pg_settings' raw value in its base unit
/// ("1024" MB, "on", "8192" × 8kB), the way PostgreSQL itself would read the written value.
/// </summary>
public static partial class SettingComparison
{
    private static readonly Dictionary<string, double> MemoryBytes = new(StringComparer.Ordinal)
    {
        ["B"] = 1,
        ["kB"] = 1024,
        ["MB"] = 1024d * 1024,
        ["GB"] = 1024d * 1024 * 1024,
        ["TB"] = 1024d * 1024 * 1024 * 1024,
    };

    private static readonly Dictionary<string, double> TimeMilliseconds = new(StringComparer.Ordinal)
    {
        ["us"] = 0.001,
        ["ms"] = 1,
        ["s"] = 1000,
        ["min"] = 60_000,
        ["h"] = 3_600_000,
        ["d"] = 86_400_000,
    };

    public static bool Matches(string expected, SettingRow actual) => actual.VarType switch
    {
        "bool" => ParseBool(expected) is { } want && ParseBool(actual.Setting) == want,
        "integer" or "real" => Number(expected, actual.Unit) is { } want && Number(actual.Setting, actual.Unit) is { } have
            && Math.Abs(want - have) <= Math.Abs(want) * 1e-9,
        "enum" => string.Equals(expected.Trim(), actual.Setting, StringComparison.OrdinalIgnoreCase),
        _ => string.Equals(expected, actual.Setting, StringComparison.Ordinal),
    };

    /// <summary>on/off, 1/0, and true/false/yes/no or a prefix of them, as PostgreSQL's parse_bool reads them.</summary>
    public static bool? ParseBool(string text)
    {
        var value = text.Trim().ToLowerInvariant();
        if (value.Length == 0)
            return null;
        if (value is "on" or "1" || "true".StartsWith(value, StringComparison.Ordinal) || "yes".StartsWith(value, StringComparison.Ordinal))
            return true;
        if (value is "off" or "of" or "0" || "false".StartsWith(value, StringComparison.Ordinal) || "no".StartsWith(value, StringComparison.Ordinal))
            return false;
        return null;
    }

    /// <summary>
    /// A numeric setting in bytes or milliseconds when it has a unit (pg_settings.unit), else the plain number.
    /// A number without a unit is in the setting's base unit, as in postgresql.conf; -1 and 0 scale to themselves.
    /// </summary>
    public static double? Number(string text, string? baseUnit)
    {
        var match = NumberWithUnit().Match(text);
        if (!match.Success || !double.TryParse(match.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return null;
        var unit = match.Groups["unit"].Value;
        var baseFactor = Factor(baseUnit);
        if (unit.Length == 0)
            return number * (baseFactor ?? 1);
        if (baseFactor is null)
            return null;
        var family = MemoryBytes.ContainsKey(Letters(baseUnit!)) ? MemoryBytes : TimeMilliseconds;
        return family.TryGetValue(unit, out var factor) ? number * factor : null;
    }

    /// <summary>
    /// A raw pg_settings value in its base unit ("4096" kB, "8192" × 8kB) written as SHOW writes it: in the largest unit that
    /// divides it evenly ("4MB", "64MB"). Values without a unit, and -1 and 0, stay as they are.
    /// </summary>
    public static string Display(string raw, string? baseUnit)
    {
        if (Factor(baseUnit) is not { } factor || !double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number is -1 or 0)
            return raw;
        var value = number * factor;
        var smallest = Letters(baseUnit!);
        var family = MemoryBytes.ContainsKey(smallest) ? MemoryBytes : TimeMilliseconds;
        foreach (var (unit, size) in family.OrderByDescending(u => u.Value))
        {
            if (size >= family[smallest] && Math.Abs(value % size) < 1e-9)
                return (value / size).ToString(CultureInfo.InvariantCulture) + unit;
        }
        return raw + smallest;
    }

    /// <summary>Bytes or milliseconds per unit of pg_settings.unit, which may carry a multiplier ("8kB", "16MB").</summary>
    private static double? Factor(string? pgUnit)
    {
        if (string.IsNullOrEmpty(pgUnit))
            return null;
        var match = NumberWithUnit().Match(pgUnit.All(char.IsLetter) ? "1" + pgUnit : pgUnit);
        if (!match.Success)
            return null;
        var multiplier = double.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture);
        var unit = match.Groups["unit"].Value;
        if (MemoryBytes.TryGetValue(unit, out var bytes))
            return multiplier * bytes;
        if (TimeMilliseconds.TryGetValue(unit, out var milliseconds))
            return multiplier * milliseconds;
        return null;
    }

    private static string Letters(string pgUnit) => new(pgUnit.Where(char.IsLetter).ToArray());

    [GeneratedRegex(@"^\s*(?<number>[-+]?\d+(\.\d+)?)\s*(?<unit>[a-zA-Z]*)\s*$")]
    private static partial Regex NumberWithUnit();
}
