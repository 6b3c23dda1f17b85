using Docker.DotNet.Models;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.TestSupport;

namespace SwarmPgGitOps.Tests.Patroni;

/// <summary>Plan's preview of a Patroni rollout: the dynamic configuration keys, the members' order, the switchover and the handover to the preferred leader.</summary>
public sealed class PatroniRolloutPlanTests
{
    private const string Stack = "pg-lab";
    private const string Config = "ttl: 30\nloop_wait: 10\npostgresql:\n  parameters:\n    work_mem: '4MB'\n";
    private static readonly string[] Members = ["pg1", "pg2", "pg3"];

    private static readonly DesiredStack Desired = new(Stack, [], [], [],
        [.. new[] { "etcd1" }.Select(n => Service(n, StackContainerLocator.EtcdRole)), .. Members.Select(n => Service(n, StackContainerLocator.MemberRole))]);

    private static DesiredService Service(string key, string role) => new(key, $"{Stack}_{key}", role, new ServiceSpec { Name = $"{Stack}_{key}" });

    private static DeployPlan Plan(ChangeKind members, params string[] changed) =>
        new([new PlannedChange("service", $"{Stack}_etcd1", ChangeKind.Unchanged, []),
            .. Members.Select(m => new PlannedChange("service", $"{Stack}_{m}", changed.Contains(m) ? members : ChangeKind.Unchanged, []))]);

    private static PatroniCluster Cluster(string leader = "pg1", string sync = "pg2", bool pendingRestart = false) =>
        new(Stack, Members.Select(m => new PatroniMember(m, m, m == leader ? PatroniRole.Leader : m == sync ? PatroniRole.SyncStandby : PatroniRole.Replica,
            m == leader ? "running" : "streaming", 1, m == leader ? null : 0, pendingRestart)).ToList());

    private static PatroniRolloutSettings Settings(bool synchronous = true) => new(Stack, "pg1", ["etcd1"], 16 * 1024 * 1024, Config, TimeSpan.FromSeconds(10), synchronous);

    [Fact]
    public void Nothing_to_change_when_no_member_changes_the_configuration_is_git_s_and_the_preferred_member_leads()
    {
        var plan = PatroniRolloutPlan.Compute(Desired, Plan(ChangeKind.Update), Cluster(), Config, Settings());

        Assert.False(plan.HasChanges);
    }

    [Fact]
    public void Updated_members_go_replicas_first_then_a_switchover_then_the_old_leader_then_back_to_the_preferred_leader()
    {
        var plan = PatroniRolloutPlan.Compute(Desired, Plan(ChangeKind.Update, "pg1", "pg2", "pg3"), Cluster(), Config, Settings());

        Assert.Equal(
        [
            "update pg2: restarts as a replica",
            "update pg3: restarts as a replica",
            "switch over from pg1 to pg2",
            "update pg1: restarts and rejoins as a replica",
            "hand over to pg1, the preferred leader: switch over from pg2 to pg1",
        ], plan.Steps);
        Assert.Empty(plan.ConfigChanges);
    }

    [Fact]
    public void The_order_and_the_candidate_are_Deploy_s_own()
    {
        var cluster = Cluster(leader: "pg3", sync: "pg1");
        var plan = PatroniRolloutPlan.Compute(Desired, Plan(ChangeKind.Update, "pg2", "pg3"), cluster, Config, Settings());

        var order = MemberRollout.UpdateOrder(["pg2", "pg3"], "pg3");
        var candidate = MemberRollout.SwitchoverCandidate(cluster, "pg3", "pg1", new HashSet<string> { "pg2" }, 16 * 1024 * 1024, synchronousMode: true);
        Assert.Equal(["pg2", "pg3"], order);
        Assert.Equal(
        [
            $"update {order[0]}: restarts as a replica",
            $"switch over from pg3 to {candidate}",
            "update pg3: restarts and rejoins as a replica",
        ], plan.Steps);
    }

    [Fact]
    public void A_hand_changed_configuration_and_a_leader_that_is_not_the_preferred_one_are_shown_with_the_handover()
    {
        var live = Config.Replace("loop_wait: 10", "loop_wait: 5", StringComparison.Ordinal);

        var plan = PatroniRolloutPlan.Compute(Desired, Plan(ChangeKind.Update), Cluster(leader: "pg2", sync: "pg3"), live, Settings(synchronous: false));

        Assert.Equal([new DynamicConfigChange("loop_wait", "10", "5")], plan.ConfigChanges);
        Assert.Equal(
        [
            "apply the dynamic configuration (loop_wait); members it leaves waiting for a restart restart one at a time, replicas first, the leader last",
            "hand over to pg1, the preferred leader: switch over from pg2 to pg1",
        ], plan.Steps);
    }

    [Fact]
    public void In_synchronous_mode_a_preferred_member_that_is_not_the_synchronous_standby_gets_the_leadership_by_a_failover()
    {
        var plan = PatroniRolloutPlan.Compute(Desired, Plan(ChangeKind.Update), Cluster(leader: "pg2", sync: "pg3"), Config, Settings(synchronous: true));

        Assert.Equal(["hand over to pg1, the preferred leader: fail over from pg2 to pg1 (not the synchronous standby, so not a switchover)"], plan.Steps);
    }

    [Fact]
    public void Pending_restarts_go_replicas_first_and_a_lagging_preferred_member_is_said_to_wait()
    {
        var cluster = Cluster(leader: "pg2", sync: "pg3", pendingRestart: true);
        cluster = cluster with { Members = cluster.Members.Select(m => m.Name == "pg1" ? m with { LagBytes = 900L * 1024 * 1024 } : m).ToList() };

        var plan = PatroniRolloutPlan.Compute(Desired, Plan(ChangeKind.Update), cluster, Config, Settings(synchronous: false));

        Assert.Equal(
        [
            "restart pg1: a changed setting waits for a restart",
            "restart pg3: a changed setting waits for a restart",
            "restart pg2: a changed setting waits for a restart",
            "pg2 stays leader: the preferred pg1 cannot take over now (pg1 is 900 MB behind (more than 16 MB); pg3 is not a synchronous standby)",
        ], plan.Steps);
    }

    [Fact]
    public void A_new_cluster_creates_the_preferred_leader_first_then_the_others_without_asking_Patroni()
    {
        var plan = PatroniRolloutPlan.Compute(Desired, Plan(ChangeKind.Create, "pg1", "pg2", "pg3"), null, null, Settings());

        Assert.Equal(["create pg1 first: it initialises the cluster and leads; the others start once it has claimed the cluster", "create pg2, pg3 together: each clones from the leader"], plan.Steps);
    }

    [Fact]
    public void Plan_prints_the_keys_git_against_live_secrets_hidden_and_the_numbered_steps()
    {
        var live = Config.Replace("loop_wait: 10", "loop_wait: 5", StringComparison.Ordinal) + "api_token: s3cr3t\n";
        var plan = PatroniRolloutPlan.Compute(Desired, Plan(ChangeKind.Update), Cluster(leader: "pg2", sync: "pg1"), live, Settings());
        var printed = new StringWriter();

        PlanPrinter.PrintPatroni(PlainTextConsole.Writing(printed), plan);

        var text = printed.ToString();
        Assert.Matches(@"api_token\s+\(hidden\)\s+\(hidden\)", text);
        Assert.Matches(@"loop_wait\s+10\s+5", text);
        Assert.DoesNotContain("s3cr3t", text);
        Assert.Contains("  2. hand over to pg1, the preferred leader: switch over from pg2 to pg1", text);
    }
}
