using System.Net;
using SwarmPgGitOps.PgHba;
using SwarmPgGitOps.Postgres;

namespace SwarmPgGitOps.Drift;

/// <summary>
/// The pg_hba.conf rules an instance has loaded (pg_hba_file_rules) against the rendered pg_hba.conf read with
/// <see cref="PgHbaParser"/>. Both sides are written in one form ("host all postgres 192.168.77.0/255.255.255.0
/// scram-sha-256"), so comments, spacing and CIDR against netmask notation do not count; order does, as it does for PostgreSQL.
/// </summary>
public static class HbaDrift
{
    public const string Field = "pg_hba";

    public static IReadOnlyList<DriftItem> Find(string instance, PgHbaDocument rendered, IReadOnlyList<HbaFileRule> loaded)
    {
        var want = rendered.Rules.Select(Describe).ToList();
        var have = loaded.Select(Describe).ToList();
        var items = new List<DriftItem>();
        foreach (var rule in want.Except(have))
            items.Add(new DriftItem(DriftObjects.Database(instance), Field, rule, DriftObjects.Missing));
        foreach (var rule in have.Except(want))
            items.Add(new DriftItem(DriftObjects.Database(instance), Field, DriftObjects.NotInGit, rule));
        if (items.Count == 0 && !want.SequenceEqual(have))
            items.Add(new DriftItem(DriftObjects.Database(instance), $"{Field} order", string.Join("\n", want), string.Join("\n", have)));
        return items;
    }

    public static string Describe(HbaRule rule) => Describe(
        rule.ConnectionType.Keyword(),
        rule.Databases.Select(d => d.Text),
        rule.Users.Select(u => u.Text),
        rule.Address switch
        {
            null => null,
            HbaIpRange range => $"{range.Address}/{range.Mask}",
            HbaKeywordAddress keyword => keyword.Text,
            HbaHostnameAddress host => host.Hostname,
            _ => rule.Address.ToString(),
        },
        rule.Method.Keyword(),
        rule.Options.Select(o => $"{o.Key}={o.Value}"));

    public static string Describe(HbaFileRule rule) =>
        rule.Error is { } error
            ? $"line {rule.LineNumber}: error: {error}"
            : Describe(rule.Type ?? "", rule.Databases, rule.Users, Address(rule), rule.AuthMethod ?? "", rule.Options ?? []);

    private static string? Address(HbaFileRule rule)
    {
        if (rule.Address is null)
            return null;
        if (rule.Netmask is null || !IPAddress.TryParse(rule.Address, out var address) || !IPAddress.TryParse(rule.Netmask, out var mask))
            return rule.Address;
        return $"{address}/{mask}";
    }

    private static string Describe(string type, IEnumerable<string> databases, IEnumerable<string> users, string? address, string method, IEnumerable<string> options)
    {
        var parts = new List<string> { type, string.Join(',', databases), string.Join(',', users) };
        if (address is not null)
            parts.Add(address);
        parts.Add(method);
        parts.AddRange(options.Order(StringComparer.Ordinal));
        return string.Join(' ', parts);
    }
}
