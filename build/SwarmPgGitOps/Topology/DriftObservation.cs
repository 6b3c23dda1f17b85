using SwarmPgGitOps.Drift;

namespace SwarmPgGitOps.Topology;

/// <summary>
/// The live picture from a drift report: instances whose service or database differs are marked drifted (with the fields
/// that differ), an unreachable database as unreachable, the network when it differs, and the leader Patroni reports
/// when it is not the preferred one. Differences with no place in the picture (configs, secrets, Patroni's dynamic
/// configuration) are listed as notes.
/// </summary>
public static class DriftObservation
{
    public static TopologyObservation From(DriftReport report, ClusterTopology topology, DateTimeOffset checkedAt)
    {
        var source = $"Drift at {checkedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} UTC";
        var names = topology.Instances.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var fields = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var unreachable = new HashSet<string>(StringComparer.Ordinal);
        var notes = new List<string>();
        var networkDrifted = false;
        string? leader = topology.Leader;
        var patroniCluster = DriftObjects.PatroniCluster("");

        foreach (var item in report.Items)
        {
            if (InstanceOf(item.Object, topology.Stack, names) is { } instance)
            {
                if (item.Object == DriftObjects.Database(instance) && item.Field == "connection")
                    unreachable.Add(instance);
                else
                    Add(fields, instance, item.Live == DriftObjects.Missing ? "missing" : item.Field);
            }
            else if (item.Object == DriftObjects.Network($"{topology.Stack}_{topology.NetworkName}") || item.Object == DriftObjects.Network(topology.NetworkName))
                networkDrifted = true;
            else if (item.Object.StartsWith(patroniCluster, StringComparison.Ordinal) && item.Field == PatroniDrift.LeaderField)
                leader = names.Contains(item.Live) ? item.Live : null;
            else if (item.Object.StartsWith(patroniCluster, StringComparison.Ordinal) && item.Field == "reachable")
            {
                leader = null;
                notes.Add("Patroni could not be asked: who leads is unknown");
            }
            else
                notes.Add($"{item.Object}: {item.Field}");
        }

        var instances = new Dictionary<string, ObservedInstance>(StringComparer.Ordinal);
        foreach (var (name, differing) in fields)
            instances[name] = new ObservedInstance(ObservedState.Drifted, "drifted: " + string.Join(", ", differing.Distinct(StringComparer.Ordinal)));
        foreach (var name in unreachable)
            instances[name] = new ObservedInstance(ObservedState.Unreachable, instances.TryGetValue(name, out var drifted) ? $"unreachable; {drifted.Detail}" : "unreachable");
        return new TopologyObservation(source, leader, instances, networkDrifted, notes.Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>"service pg-lab_pg1" and "database pg1" are pg1.</summary>
    private static string? InstanceOf(string driftObject, string stack, IReadOnlySet<string> names) =>
        names.FirstOrDefault(n => driftObject == DriftObjects.Service($"{stack}_{n}") || driftObject == DriftObjects.Database(n));

    private static void Add(Dictionary<string, List<string>> fields, string instance, string field)
    {
        if (!fields.TryGetValue(instance, out var list))
            fields[instance] = list = [];
        list.Add(field);
    }
}
