using SwarmPgGitOps.Postgres;

namespace SwarmPgGitOps.Smoke;

/// <summary>
/// The security policy applied to the pg_hba.conf the primary actually loads (pg_hba_file_rules): no line PostgreSQL
/// rejects, no trust/md5/password over the network, no rule open to any address unless allowed, and replication access
/// for the replication role.
/// </summary>
public static class HbaRuleChecks
{
    public const string Target = "primary";
    private static readonly string[] WeakMethods = ["trust", "md5", "password"];
    private static readonly string[] StrongMethods = ["scram-sha-256", "cert"];

    public static IEnumerable<SmokeCheck> Evaluate(IReadOnlyList<HbaFileRule> rules, SmokeExpectations expected)
    {
        yield return ParseErrors(rules);
        yield return WeakNetworkMethods(rules);
        yield return AnyAddress(rules, expected.AnyAddressAllowed);
        yield return ReplicationRule(rules, expected.ReplicationUser);
    }

    public static bool IsNetwork(HbaFileRule rule) => rule.Type is { } type && type.StartsWith("host", StringComparison.Ordinal);

    /// <summary>0.0.0.0/0, ::/0 and the keyword all match every client address.</summary>
    public static bool MatchesAnyAddress(HbaFileRule rule) =>
        rule.Address == "all"
        || (rule.Address == "0.0.0.0" && rule.Netmask == "0.0.0.0")
        || (rule.Address is "::" or "::0" && rule.Netmask is "::" or "::0");

    private static SmokeCheck ParseErrors(IReadOnlyList<HbaFileRule> rules)
    {
        var errors = rules.Where(r => r.Error is not null).Select(r => $"line {r.LineNumber}: {r.Error}").ToList();
        return SmokeCheck.When(errors.Count == 0, "hba.errors", Target, List(errors), "none",
            "pg_hba.conf on the server has lines PostgreSQL rejects (SELECT * FROM pg_hba_file_rules WHERE error IS NOT NULL); redeploy the rendered, validated file");
    }

    private static SmokeCheck WeakNetworkMethods(IReadOnlyList<HbaFileRule> rules)
    {
        var weak = rules.Where(r => IsNetwork(r) && WeakMethods.Contains(r.AuthMethod))
            .Select(r => $"line {r.LineNumber}: {r.Type} {r.AuthMethod}").ToList();
        return SmokeCheck.When(weak.Count == 0, "hba.network_methods", Target, List(weak), "no trust/md5/password on host lines",
            "a host line lets clients in without a password or with a weak one; the server's pg_hba.conf differs from the validated one: redeploy it");
    }

    private static SmokeCheck AnyAddress(IReadOnlyList<HbaFileRule> rules, bool allowed)
    {
        var open = rules.Where(r => IsNetwork(r) && MatchesAnyAddress(r) && r.AuthMethod != "reject")
            .Select(r => $"line {r.LineNumber}: {r.Address}/{r.Netmask ?? ""}".TrimEnd('/')).ToList();
        return SmokeCheck.When(allowed || open.Count == 0, "hba.any_address", Target, List(open),
            allowed ? "allowed (access.allow_any_address)" : "no rule open to any address",
            "a rule accepts clients from any address; narrow it to the client networks (allowed only with access.allow_any_address outside prod)");
    }

    private static SmokeCheck ReplicationRule(IReadOnlyList<HbaFileRule> rules, string user)
    {
        var rule = rules.FirstOrDefault(r => IsNetwork(r) && r.Error is null
            && StrongMethods.Contains(r.AuthMethod)
            && r.Databases.Contains("replication")
            && (r.Users.Contains(user) || r.Users.Contains("all")));
        return SmokeCheck.When(rule is not null, "hba.replication_rule", Target,
            rule is null ? "missing" : $"line {rule.LineNumber}: {rule.Type} replication {user} {rule.AuthMethod}",
            $"host replication {user} with scram-sha-256 or cert",
            $"replicas cannot connect as {user}: the loaded pg_hba.conf has no replication rule for it; check access.replication and redeploy");
    }

    private static string List(IReadOnlyList<string> items) => items.Count == 0 ? "none" : string.Join("; ", items);
}
