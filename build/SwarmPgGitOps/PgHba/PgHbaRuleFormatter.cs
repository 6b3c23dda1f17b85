namespace SwarmPgGitOps.PgHba;

/// <summary>Column widths of a formatted rule; a wider value pushes its column out by one blank.</summary>
public sealed record HbaColumnWidths(int ConnectionType, int Databases, int Users, int Address, int Method)
{
    /// <summary>The layout of the pg_hba.conf that initdb writes.</summary>
    public static readonly HbaColumnWidths Default = new(8, 16, 16, 24, 16);
}

/// <summary>Writes rules back as pg_hba.conf lines that <see cref="PgHbaParser"/> (and PostgreSQL) read as the same rule.</summary>
public static class PgHbaRuleFormatter
{
    public static string Format(HbaRule rule) => Format(rule, HbaColumnWidths.Default);

    public static string Format(HbaRule rule, HbaColumnWidths widths)
    {
        var fields = Fields(rule);
        int[] columns = [widths.ConnectionType, widths.Databases, widths.Users, widths.Address, widths.Method];
        var line = new System.Text.StringBuilder();
        for (var index = 0; index < fields.Count; index++)
        {
            var isLast = fields.Skip(index + 1).All(field => field.Length == 0);
            if (isLast)
            {
                line.Append(fields[index]);
                break;
            }
            line.Append(fields[index].PadRight(Math.Max(columns[index], fields[index].Length + 1)));
        }
        return line.ToString();
    }

    /// <summary>Formats rules with the columns aligned across all of them.</summary>
    public static IReadOnlyList<string> FormatAll(IReadOnlyList<HbaRule> rules)
    {
        var fields = rules.Select(Fields).ToList();
        int Width(int column, int minimum) => fields.Select(f => f[column].Length + 1).Append(minimum).Max();
        var defaults = HbaColumnWidths.Default;
        var widths = new HbaColumnWidths(
            Width(0, defaults.ConnectionType), Width(1, defaults.Databases), Width(2, defaults.Users),
            Width(3, defaults.Address), Width(4, defaults.Method));
        return rules.Select(rule => Format(rule, widths)).ToList();
    }

    /// <summary>Type, databases, users, address (empty for local), method, options.</summary>
    internal static IReadOnlyList<string> Fields(HbaRule rule) =>
    [
        rule.ConnectionType.Keyword(),
        string.Join(',', rule.Databases.Select(HbaQuoting.Render)),
        string.Join(',', rule.Users.Select(HbaQuoting.Render)),
        rule.Address is null ? "" : FormatAddress(rule.Address),
        rule.Method.Keyword(),
        string.Join(' ', rule.Options.Select(option => FormatOption(option.Key, option.Value))),
    ];

    private static string FormatAddress(HbaAddress address) => address switch
    {
        HbaKeywordAddress keyword => keyword.Text,
        HbaHostnameAddress { Hostname: "all" or "samehost" or "samenet" } host => HbaQuoting.Quote(host.Hostname),
        HbaHostnameAddress host => HbaQuoting.RenderBare(host.Hostname),
        HbaIpRange { Notation: HbaMaskNotation.Cidr, PrefixLength: { } prefix } range => $"{range.Address}/{prefix}",
        HbaIpRange range => $"{range.Address} {range.Mask}",
        _ => throw new ArgumentOutOfRangeException(nameof(address), address, "unknown kind of address"),
    };

    private static string FormatOption(string name, string value) =>
        HbaQuoting.NeedsQuotes(name)
            ? HbaQuoting.Quote($"{name}={value}")
            : $"{name}={HbaQuoting.RenderBare(value)}";
}
