using System.Globalization;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Topology;

/// <summary>
/// The live picture from a smoke report: in the Patroni layout Patroni's member list (leader, state, lag) and the
/// connections Smoke could not open; in the classic layout the primary's view of each replica's stream.
/// </summary>
public static class SmokeObservation
{
    private const string Connect = "connect";

    public static TopologyObservation From(SmokeReport report, ClusterTopology topology)
    {
        var source = $"Smoke at {report.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC";
        var unreachable = report.Checks.Where(c => c.Name == Connect && !c.Passed).Select(c => c.Target).ToHashSet(StringComparer.Ordinal);
        return topology.Layout == Environments.EnvironmentLayout.Patroni
            ? Patroni(source, report, topology, unreachable)
            : Classic(source, report, topology, unreachable);
    }

    private static TopologyObservation Patroni(string source, SmokeReport report, ClusterTopology topology, IReadOnlySet<string> unreachable)
    {
        var cluster = report.Patroni;
        var instances = new Dictionary<string, ObservedInstance>(StringComparer.Ordinal);
        foreach (var instance in topology.Databases)
        {
            var member = cluster?.Find(instance.Name);
            if (cluster is not null && member is null)
                instances[instance.Name] = new(ObservedState.Down, "not in Patroni's list");
            else if (member is not null && !member.IsHealthy)
                instances[instance.Name] = new(ObservedState.Down, member.State.Length == 0 ? "unknown state" : member.State);
            else if (unreachable.Contains(instance.Name))
                instances[instance.Name] = new(ObservedState.Unreachable, "unreachable");
            else if (member is { IsLeader: true })
                instances[instance.Name] = new(ObservedState.Leading, $"leads, timeline {Text(member.Timeline)}");
            else if (member is not null)
                instances[instance.Name] = new(ObservedState.Streaming, $"{Role(member.Role)}, lag {member.LagText}");
        }
        if (topology.BackupRepository is { } repository && Repository(report) is { } observedRepository)
            instances[repository.Name] = observedRepository;
        var notes = cluster is null ? ["Patroni could not be asked: who leads is unknown"] : cluster.Members.Where(m => topology.Databases.All(d => d.Name != m.Name))
            .Select(m => $"{m.Name} takes part in the cluster but git does not declare it ({m.State})").ToList();
        return new TopologyObservation(source, cluster?.Leader?.Name, instances, Notes: notes);
    }

    private static TopologyObservation Classic(string source, SmokeReport report, ClusterTopology topology, IReadOnlySet<string> unreachable)
    {
        var instances = new Dictionary<string, ObservedInstance>(StringComparer.Ordinal);
        foreach (var instance in topology.Databases)
        {
            if (unreachable.Contains(instance.Name))
            {
                instances[instance.Name] = new(ObservedState.Unreachable, "unreachable");
                continue;
            }
            if (instance.Name == topology.Leader)
            {
                instances[instance.Name] = new(ObservedState.Leading, "primary");
                continue;
            }
            var target = PrimaryChecks.StreamTarget(instance.Name);
            var streaming = report.Checks.FirstOrDefault(c => c.Name == "replication.streaming" && c.Target == target);
            var lag = report.Checks.FirstOrDefault(c => c.Name == "replication.replay_lag_bytes" && c.Target == target);
            if (streaming is null)
                continue;
            instances[instance.Name] = streaming.Passed
                ? new(ObservedState.Streaming, $"streaming, replay lag {lag?.Value ?? "unknown"}")
                : new(ObservedState.Down, streaming.Value);
        }
        var leader = unreachable.Contains(topology.Leader) ? null : topology.Leader;
        return new TopologyObservation(source, leader, instances);
    }

    /// <summary>The repository as its checks (backup.*) saw it: down with the first that failed, else healthy with the newest backup.</summary>
    private static ObservedInstance? Repository(SmokeReport report)
    {
        var checks = report.Checks.Where(c => c.Name.StartsWith("backup.", StringComparison.Ordinal)).ToList();
        if (checks.Count == 0)
            return null;
        if (checks.FirstOrDefault(c => !c.Passed) is { } failed)
            return new(ObservedState.Down, $"{failed.Name}: {failed.Value}");
        var newest = checks.FirstOrDefault(c => c.Name == "backup.newest");
        return new(ObservedState.Healthy, newest is null ? "check passed" : $"check passed, newest {newest.Value}");
    }

    private static string Role(PatroniRole role) => role switch
    {
        PatroniRole.SyncStandby => "sync standby",
        PatroniRole.QuorumStandby => "quorum standby",
        _ => "streaming",
    };

    private static string Text(int? timeline) => timeline?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
}
