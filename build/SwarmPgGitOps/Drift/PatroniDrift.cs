using System.Globalization;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Secrets;

namespace SwarmPgGitOps.Drift;

/// <summary>
/// Patroni's side of drift: every key of the live dynamic configuration that differs from git's rendering
/// (<see cref="DynamicConfig.Compare"/> decides what differs, as it does for Deploy), and a leader that is not
/// patroni.preferred_leader. A leader moved by a failover is adoptable: git then names the member that leads, and the
/// next Deploy leaves it leading instead of moving the leadership back (one interruption of writes fewer).
/// </summary>
public static class PatroniDrift
{
    public const string LeaderField = "leader";
    public const string PreferredLeaderPath = "patroni.preferred_leader";

    /// <summary>Patroni's keys that the environment file writes under patroni.&lt;same name&gt;.</summary>
    private static readonly string[] PatroniKeys = ["ttl", "loop_wait", "retry_timeout", "maximum_lag_on_failover"];

    private const string ParametersPrefix = "postgresql.parameters.";

    /// <param name="environment">The environment's name, for the hint's command.</param>
    /// <param name="desiredYaml">The dynamic configuration git renders (patroni-dynamic.yml).</param>
    public static IReadOnlyList<DriftItem> Find(string environment, EnvironmentSpec spec, string desiredYaml, PatroniState live) =>
        [.. DynamicConfigItems(desiredYaml, live.DynamicConfig), .. LeaderItems(environment, spec, live.Cluster)];

    public static IReadOnlyList<DriftItem> DynamicConfigItems(string desiredYaml, string liveYaml) =>
        DynamicConfig.Compare(desiredYaml, liveYaml).Select(Item).ToList();

    /// <summary>The PostgreSQL parameters among the changes, by name: the leader's settings then differ for the same reason.</summary>
    public static IReadOnlySet<string> ChangedParameters(IEnumerable<DriftItem> items) =>
        items.Where(i => i.Object == DriftObjects.PatroniDynamicConfig && i.Field.StartsWith(ParametersPrefix, StringComparison.Ordinal))
            .Select(i => i.Field[ParametersPrefix.Length..]).ToHashSet(StringComparer.Ordinal);

    private static IReadOnlyList<DriftItem> LeaderItems(string environment, EnvironmentSpec spec, PatroniCluster cluster)
    {
        var preferred = spec.PatroniCluster().Patroni.PreferredLeader;
        var cause = DriftObjects.PatroniCluster(cluster.Scope);
        return cluster.Leaders switch
        {
            [var leader] when leader.Name == preferred => [],
            [var leader] => [new DriftItem(cause, LeaderField, preferred, leader.Name, PreferredLeaderPath, leader.Name,
                Hint: HandBack(environment, spec, cluster, leader.Name, preferred))],
            [] => [new DriftItem(cause, LeaderField, preferred, "(no leader)",
                Hint: $"no member leads: {string.Join("; ", cluster.Members.Select(m => m.Summary))} (patronictl list and each member's Patroni log say why)")],
            var leaders => [new DriftItem(cause, LeaderField, preferred, string.Join(", ", leaders.Select(l => l.Name)))],
        };
    }

    /// <summary>How Deploy would hand the leadership back, decided as Deploy decides it (<see cref="MemberRollout.HandoverTo"/>).</summary>
    private static string HandBack(string environment, EnvironmentSpec spec, PatroniCluster cluster, string leader, string preferred)
    {
        var settings = PatroniRolloutSettings.For(spec);
        var deploy = $"./build.sh --target=Deploy --env={environment}";
        return MemberRollout.HandoverTo(cluster, leader, preferred, settings.MaxLagBytes, settings.Synchronous) switch
        {
            Handover.Failover => $"{deploy} hands the leadership back to {preferred} by a failover ({preferred} is not the synchronous standby, so not a switchover)",
            Handover.NotPossible => $"{deploy} hands the leadership back to {preferred} once it can take over; now {MemberRollout.WhyNoCandidate(cluster, leader, settings.MaxLagBytes)}",
            _ => $"{deploy} hands the leadership back to {preferred} by a switchover",
        };
    }

    private static DriftItem Item(DynamicConfigChange change)
    {
        if (Redaction.IsSecretName(change.Key))
            return new DriftItem(DriftObjects.PatroniDynamicConfig, change.Key, Redaction.Hidden, "differs");
        var desired = change.Desired ?? DriftObjects.NotInGit;
        var live = change.Live ?? DriftObjects.Missing;
        return Adoption(change) is var (path, value)
            ? new DriftItem(DriftObjects.PatroniDynamicConfig, change.Key, desired, live, path, value)
            : new DriftItem(DriftObjects.PatroniDynamicConfig, change.Key, desired, live,
                Hint: change.Live is null ? "./build.sh --target=Deploy puts git's dynamic configuration back" : null);
    }

    /// <summary>
    /// The key of the environment file that renders this dynamic configuration key, and the live value for it: patroni.ttl and
    /// its siblings, and the PostgreSQL parameters postgres.settings writes. A key removed live has nothing to write.
    /// </summary>
    private static (string Path, string Value)? Adoption(DynamicConfigChange change)
    {
        if (change.Live is not { } live)
            return null;
        if (PatroniKeys.Contains(change.Key))
            return ($"patroni.{change.Key}", live);
        if (!change.Key.StartsWith(ParametersPrefix, StringComparison.Ordinal) || change.Key.Length == ParametersPrefix.Length)
            return null;
        var name = change.Key[ParametersPrefix.Length..];
        var boolean = SettingComparison.ParseBool(live) is not null && !long.TryParse(live, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        return SettingAdoption.For(name, live, boolean, EnvironmentLayout.Patroni);
    }
}
