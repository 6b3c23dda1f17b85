using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Patroni;

/// <summary>
/// What a deploy would do to the Patroni cluster besides the Swarm objects, for Plan: the dynamic configuration keys it would
/// change (<see cref="DynamicConfig.Compare"/>, as Deploy compares), and its steps in order: members created, members updated
/// (<see cref="MemberRollout.UpdateOrder"/>) with the switchover before the leader (<see cref="MemberRollout.SwitchoverCandidate"/>),
/// restarts Patroni asks for, and the handover to the preferred leader (<see cref="MemberRollout.HandoverTo"/>). Deploy decides
/// again on what Patroni reports at each step; this is the same decision on what Patroni reports now.
/// </summary>
public sealed record PatroniRolloutPlan(IReadOnlyList<DynamicConfigChange> ConfigChanges, IReadOnlyList<string> Steps)
{
    public bool HasChanges => ConfigChanges.Count > 0 || Steps.Count > 0;

    /// <param name="cluster">Patroni's members now; null when no member runs yet (a new cluster).</param>
    /// <param name="liveConfigYaml">Patroni's live dynamic configuration; null for a new cluster, which starts from git's configuration.</param>
    public static PatroniRolloutPlan Compute(DesiredStack desired, DeployPlan plan, PatroniCluster? cluster, string? liveConfigYaml, PatroniRolloutSettings settings)
    {
        var members = desired.Services.Where(s => s.Role == StackContainerLocator.MemberRole).ToList();
        List<string> With(ChangeKind change) => members.Where(s => plan.For("service", s.Name).Change == change).Select(s => s.Key).ToList();
        var created = With(ChangeKind.Create);
        var steps = new List<string>();
        if (MemberRollout.NewClusterFounder(members.Select(s => s.Key).ToList(), created, settings.PreferredLeader) is { } founder)
        {
            steps.Add($"create {founder} first: it initialises the cluster and leads; the others start once it has claimed the cluster");
            created.Remove(founder);
        }
        if (created.Count > 0)
        {
            steps.Add($"create {string.Join(", ", created)} together: "
                + (created.Count == members.Count ? "Patroni lets one of them initialise the cluster" : "each clones from the leader"));
        }
        if (cluster is null)
            return new PatroniRolloutPlan([], steps);

        var leader = cluster.Leader?.Name;
        var updated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in MemberRollout.UpdateOrder(With(ChangeKind.Update), leader))
        {
            if (name == leader)
            {
                if (MemberRollout.SwitchoverCandidate(cluster, name, settings.PreferredLeader, updated, settings.MaxLagBytes, settings.Synchronous) is not { } candidate)
                {
                    steps.Add($"switch over from {name}: no member can take over now ({MemberRollout.WhyNoCandidate(cluster, name, settings.MaxLagBytes)}); Deploy would stop here");
                    return new PatroniRolloutPlan(Changes(liveConfigYaml, settings), steps);
                }
                steps.Add($"switch over from {name} to {candidate}");
                cluster = AfterSwitchover(cluster, name, candidate);
                leader = candidate;
                steps.Add($"update {name}: restarts and rejoins as a replica");
            }
            else
            {
                steps.Add($"update {name}: restarts as a replica");
            }
            updated.Add(name);
        }

        var changes = Changes(liveConfigYaml, settings);
        if (changes.Count > 0)
        {
            steps.Add($"apply the dynamic configuration ({string.Join(", ", changes.Select(c => c.Key))}); members it leaves waiting for a restart "
                + "restart one at a time, replicas first, the leader last");
        }
        var pending = cluster.Members.Where(m => m.PendingRestart && !updated.Contains(m.Name)).Select(m => m.Name);
        steps.AddRange(MemberRollout.UpdateOrder(pending, leader).Select(name => $"restart {name}: a changed setting waits for a restart"));

        if (leader is not null && settings.PreferredLeader is { } preferred)
        {
            switch (MemberRollout.HandoverTo(cluster, leader, preferred, settings.MaxLagBytes, settings.Synchronous))
            {
                case Handover.Switchover:
                    steps.Add($"hand over to {preferred}, the preferred leader: switch over from {leader} to {preferred}");
                    break;
                case Handover.Failover:
                    steps.Add($"hand over to {preferred}, the preferred leader: fail over from {leader} to {preferred} (not the synchronous standby, so not a switchover)");
                    break;
                case Handover.NotPossible:
                    steps.Add($"{leader} stays leader: the preferred {preferred} cannot take over now ({MemberRollout.WhyNoCandidate(cluster, leader, settings.MaxLagBytes)})");
                    break;
            }
        }
        return new PatroniRolloutPlan(changes, steps);
    }

    private static IReadOnlyList<DynamicConfigChange> Changes(string? liveConfigYaml, PatroniRolloutSettings settings) =>
        liveConfigYaml is null ? [] : DynamicConfig.Compare(settings.DynamicConfigYaml, liveConfigYaml);

    /// <summary>The cluster as expected after a switchover: the candidate leads, the old leader streams in the candidate's place.</summary>
    private static PatroniCluster AfterSwitchover(PatroniCluster cluster, string leader, string candidate)
    {
        var taken = cluster.Find(candidate)!;
        return cluster with
        {
            Members = cluster.Members.Select(m =>
                m.Name == candidate ? m with { Role = PatroniRole.Leader, State = "running", LagBytes = null }
                : m.Name == leader ? m with { Role = taken.Role, State = "streaming", LagBytes = taken.LagBytes ?? 0 }
                : m).ToList(),
        };
    }
}
