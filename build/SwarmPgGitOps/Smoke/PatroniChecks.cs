using System.Globalization;
using SwarmPgGitOps.Patroni;

namespace SwarmPgGitOps.Smoke;

/// <summary>What Smoke expects of a Patroni cluster: the members git declares, how many synchronous standbys, the lag limit.</summary>
public sealed record PatroniExpectations(string Stack, IReadOnlyList<string> Members, int SynchronousStandbys, long MaxLagBytes);

/// <summary>
/// Judges the cluster as Patroni reports it: exactly one leader, every declared member running (the leader) or
/// streaming (the others), lag within the limit, one timeline, the synchronous standbys present, no member git does not know.
/// </summary>
public static class PatroniChecks
{
    private const long Megabyte = 1024 * 1024;

    public static IReadOnlyList<SmokeCheck> Evaluate(PatroniCluster cluster, PatroniExpectations expected)
    {
        var checks = new List<SmokeCheck> { Leader(cluster, expected) };
        var leader = cluster.Leader;
        foreach (var name in expected.Members)
        {
            if (cluster.Find(name) is not { } member)
            {
                checks.Add(SmokeCheck.Fail("patroni.member", name, "not in Patroni's member list", "listed",
                    $"{name} has not registered with Patroni: docker service logs {expected.Stack}_{name}"));
                continue;
            }
            checks.Add(State(member, expected));
            if (member.IsLeader)
                continue;
            checks.Add(Lag(member, expected));
            if (leader is not null)
                checks.Add(Timeline(member, leader));
        }
        checks.AddRange(cluster.Members.Where(m => !expected.Members.Contains(m.Name)).Select(m =>
            SmokeCheck.Fail("patroni.member", m.Name, "listed by Patroni", "not declared in members",
                $"{m.Name} takes part in the cluster but git does not declare it: remove its service, or add it to members")));
        if (expected.SynchronousStandbys > 0)
            checks.Add(Synchronous(cluster, expected));
        return checks;
    }

    private static SmokeCheck Leader(PatroniCluster cluster, PatroniExpectations expected)
    {
        var leaders = cluster.Leaders.Select(m => m.Name).ToList();
        return SmokeCheck.When(leaders.Count == 1, "patroni.leader", expected.Stack, leaders.Count == 0 ? "none" : string.Join(", ", leaders), "exactly one",
            leaders.Count == 0
                ? "no member holds the leader key: check etcd's health and the members' logs (a cluster that never initialised, or lost its DCS)"
                : "more than one member reports itself leader: stop writing and look at each member's Patroni log");
    }

    private static SmokeCheck State(PatroniMember member, PatroniExpectations expected)
    {
        var wanted = member.IsLeader ? "running" : "streaming";
        return SmokeCheck.When(member.IsHealthy, "patroni.state", member.Name, member.State, wanted,
            $"{member.Name} is {member.State}: docker service logs {expected.Stack}_{member.Name}");
    }

    private static SmokeCheck Lag(PatroniMember member, PatroniExpectations expected) =>
        SmokeCheck.When(member.LagBytes is { } lag && lag <= expected.MaxLagBytes, "patroni.lag", member.Name, member.LagText,
            $"≤ {(expected.MaxLagBytes / (double)Megabyte).ToString("0.##", CultureInfo.InvariantCulture)} MB",
            $"{member.Name} is behind the leader: it replays slowly or cannot reach it; Patroni will not promote it past maximum_lag_on_failover");

    private static SmokeCheck Timeline(PatroniMember member, PatroniMember leader) =>
        SmokeCheck.When(member.Timeline == leader.Timeline, "patroni.timeline", member.Name, Text(member.Timeline), Text(leader.Timeline),
            $"{member.Name} is not on the leader's timeline: Patroni rejoins it with pg_rewind; if it stays behind, reinitialise it (patronictl reinit)");

    private static SmokeCheck Synchronous(PatroniCluster cluster, PatroniExpectations expected)
    {
        var standbys = cluster.Members.Where(m => m.Role is PatroniRole.SyncStandby or PatroniRole.QuorumStandby).Select(m => m.Name).ToList();
        return SmokeCheck.When(standbys.Count >= expected.SynchronousStandbys, "patroni.synchronous_standbys", expected.Stack,
            standbys.Count == 0 ? "none" : string.Join(", ", standbys), $"≥ {expected.SynchronousStandbys}",
            "commits are not confirmed by a synchronous standby: a replica is down or behind (see patroni.state)");
    }

    private static string Text(int? timeline) => timeline?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
}
