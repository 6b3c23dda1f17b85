using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.PgHba;

/// <param name="RequireTls">Network rules must be hostssl: production in the Patroni layout, whose members serve TLS.</param>
public sealed record PgHbaPolicyOptions(string FileName, string ReplicationUser, bool AllowAnyAddress, bool IsProduction, bool RequireTls = false);

/// <summary>The cluster's security rules for pg_hba.conf, on top of what PostgreSQL itself accepts.</summary>
public static class PgHbaPolicy
{
    public static IReadOnlyList<Diagnostic> Check(IReadOnlyList<HbaRule> rules, PgHbaPolicyOptions options)
    {
        var diagnostics = new List<Diagnostic>();
        foreach (var rule in rules.Where(rule => rule.IsNetwork))
        {
            if (CheckNetworkMethod(rule, options) is { } method)
                diagnostics.Add(method);
            if (CheckAnyAddress(rule, options) is { } address)
                diagnostics.Add(address);
            if (CheckEncryption(rule, options) is { } encryption)
                diagnostics.Add(encryption);
        }
        if (CheckReplicationAccess(rules, options) is { } replication)
            diagnostics.Add(replication);
        diagnostics.AddRange(HbaShadowing.Find(rules, options.FileName));
        return diagnostics;
    }

    private static Diagnostic? CheckNetworkMethod(HbaRule rule, PgHbaPolicyOptions options)
    {
        var (message, hint) = rule.Method switch
        {
            HbaAuthMethod.Trust => (
                $"rule \"{rule.Describe()}\" lets network clients in without any password (trust)",
                "Use scram-sha-256 (or cert on a hostssl rule); trust is only acceptable on local rules."),
            HbaAuthMethod.Md5 => (
                $"rule \"{rule.Describe()}\" uses md5 on a network connection; passwords must use scram-sha-256",
                "Replace md5 with scram-sha-256, and keep password_encryption = scram-sha-256 so stored hashes are SCRAM."),
            HbaAuthMethod.Password => (
                $"rule \"{rule.Describe()}\" sends the password in clear text (password); passwords must use scram-sha-256",
                "Replace password with scram-sha-256."),
            _ => (null, null),
        };
        return message is null ? null : At(rule, options, rule.PositionOrStart(location => location.Method), message, hint!);
    }

    private static Diagnostic? CheckAnyAddress(HbaRule rule, PgHbaPolicyOptions options)
    {
        // A catch-all reject closes access; it is the safe way to end a file.
        if (rule.Address is not { MatchesAnyAddress: true } || rule.Method == HbaAuthMethod.Reject)
            return null;
        string hint;
        if (options.IsProduction)
            hint = "Production never allows rules open to any address, even with access.allow_any_address; list the client networks (e.g. the swarm overlay subnet).";
        else if (!options.AllowAnyAddress)
            hint = "Narrow the address to the client networks, or set access.allow_any_address: true in this non-production environment.";
        else
            return null;
        return At(rule, options, rule.PositionOrStart(location => location.Address),
            $"rule \"{rule.Describe()}\" accepts connections from any address", hint);
    }

    /// <summary>Production's network rules admit TLS connections only: a password or a row must never cross a network in clear text.</summary>
    private static Diagnostic? CheckEncryption(HbaRule rule, PgHbaPolicyOptions options)
    {
        if (!options.RequireTls || rule.ConnectionType == HbaConnectionType.HostSsl || rule.Method == HbaAuthMethod.Reject)
            return null;
        return At(rule, options, rule.PositionOrStart(location => location.ConnectionType),
            $"rule \"{rule.Describe()}\" admits connections without TLS ({rule.ConnectionType.Keyword()}); production admits network clients over TLS only",
            "Use type hostssl (the members serve TLS with the secrets.postgres_tls_* certificate; README: Security model).");
    }

    private static Diagnostic? CheckReplicationAccess(IReadOnlyList<HbaRule> rules, PgHbaPolicyOptions options)
    {
        var user = options.ReplicationUser;
        var granted = rules.Any(rule =>
            rule.IsNetwork
            && rule.Method is HbaAuthMethod.ScramSha256 or HbaAuthMethod.Cert
            && rule.Databases.Any(database => database.IsKeyword("replication"))
            && rule.Users.Any(role => role.IsKeyword("all") || (!role.IsGroup && !role.IsInclusion && !role.IsAnyKeyword && role.Text == user)));
        return granted
            ? null
            : new Diagnostic(options.FileName, 0, 0,
                $"no rule gives the replication user \"{user}\" replication access over the network with scram-sha-256 or cert",
                $"Add a rule such as \"hostssl replication {user} <replica-subnet> scram-sha-256\": database replication (unquoted), user {user} or all.");
    }

    private static Diagnostic At(HbaRule rule, PgHbaPolicyOptions options, HbaPosition position, string message, string hint) =>
        new(options.FileName, position.Line, position.Column, message, hint);
}
