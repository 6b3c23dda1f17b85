using SwarmPgGitOps.Patroni;

namespace SwarmPgGitOps.Tests.Patroni;

public sealed class MemberRolloutTests
{
    private const long SixteenMegabytes = 16 * 1024 * 1024;

    private static PatroniMember Member(string name, PatroniRole role, string state = "streaming", long? lag = 0) =>
        new(name, name, role, state, 1, role == PatroniRole.Leader ? null : lag, false);

    [Fact]
    public void Replicas_are_updated_before_the_leader()
    {
        Assert.Equal(["pg1", "pg3", "pg2"], MemberRollout.UpdateOrder(["pg3", "pg2", "pg1"], leader: "pg2"));
        Assert.Equal(["pg1", "pg3"], MemberRollout.UpdateOrder(["pg3", "pg1"], leader: "pg2"));
        Assert.Equal(["pg1", "pg2"], MemberRollout.UpdateOrder(["pg2", "pg1"], leader: null));
    }

    [Fact]
    public void A_replica_named_to_follow_the_leader_is_updated_after_it_and_a_leader_so_named_is_still_last()
    {
        Assert.Equal(["pg3", "pg2", "pg1"], MemberRollout.UpdateOrder(["pg3", "pg2", "pg1"], leader: "pg2", afterLeader: "pg1"));
        Assert.Equal(["pg2", "pg3", "pg1"], MemberRollout.UpdateOrder(["pg3", "pg2", "pg1"], leader: "pg1", afterLeader: "pg1"));
        Assert.Equal(["pg2", "pg3", "pg1"], MemberRollout.UpdateOrder(["pg3", "pg2", "pg1"], leader: null, afterLeader: "pg1"));
    }

    [Fact]
    public void A_secret_change_names_the_files_that_get_another_secret()
    {
        var change = new SwarmPgGitOps.Swarm.FieldChange("secrets",
            "pg-lab_replication_password_b:replication_password:999:0400, pg-lab_rest_api_password_r:rest_api_password:999:0400",
            "pg-lab_replication_password_a:replication_password:999:0400, pg-lab_rest_api_password_r:rest_api_password:999:0400");

        Assert.True(MemberRollout.ChangesSecret(change, "replication_password"));
        Assert.False(MemberRollout.ChangesSecret(change, "rest_api_password"));
        Assert.False(MemberRollout.ChangesSecret(change with { Field = "env" }, "replication_password"));
    }

    [Fact]
    public void The_preferred_member_takes_over_when_it_is_healthy_and_caught_up()
    {
        var cluster = new PatroniCluster("pg-lab", [Member("pg1", PatroniRole.Leader), Member("pg2", PatroniRole.Replica), Member("pg3", PatroniRole.Replica)]);

        Assert.Equal("pg3", MemberRollout.SwitchoverCandidate(cluster, "pg1", preferred: "pg3", new HashSet<string>(), SixteenMegabytes, synchronousMode: false));
        Assert.Equal("pg2", MemberRollout.SwitchoverCandidate(cluster, "pg1", preferred: "pg1", new HashSet<string> { "pg2" }, SixteenMegabytes, synchronousMode: false));
    }

    [Fact]
    public void In_synchronous_mode_only_a_synchronous_standby_qualifies()
    {
        var cluster = new PatroniCluster("pg-lab", [Member("pg1", PatroniRole.Leader), Member("pg2", PatroniRole.SyncStandby), Member("pg3", PatroniRole.Replica)]);

        Assert.Equal("pg2", MemberRollout.SwitchoverCandidate(cluster, "pg1", preferred: "pg3", new HashSet<string> { "pg3" }, SixteenMegabytes, synchronousMode: true));
    }

    [Fact]
    public void A_member_that_is_behind_or_not_streaming_never_qualifies_and_the_reason_names_each()
    {
        var cluster = new PatroniCluster("pg-lab", [Member("pg1", PatroniRole.Leader), Member("pg2", PatroniRole.Replica, lag: 40L * 1024 * 1024), Member("pg3", PatroniRole.Replica, state: "starting")]);

        Assert.Null(MemberRollout.SwitchoverCandidate(cluster, "pg1", preferred: null, new HashSet<string>(), SixteenMegabytes, synchronousMode: false));
        Assert.Equal("pg2 is 40 MB behind (more than 16 MB); pg3 is starting", MemberRollout.WhyNoCandidate(cluster, "pg1", SixteenMegabytes));
    }

    [Fact]
    public void A_switchover_asked_for_goes_to_the_member_named_else_the_preferred_one_else_the_best_synchronous_standby()
    {
        var cluster = new PatroniCluster("pg-lab", [Member("pg1", PatroniRole.Leader), Member("pg2", PatroniRole.Replica), Member("pg3", PatroniRole.SyncStandby)]);

        Assert.Equal(("pg2", null), MemberRollout.SwitchoverTarget(cluster, "pg1", requested: "pg2", preferred: "pg3", SixteenMegabytes, synchronousMode: true));
        Assert.Equal(("pg2", null), MemberRollout.SwitchoverTarget(cluster, "pg1", requested: null, preferred: "pg2", SixteenMegabytes, synchronousMode: true));
        Assert.Equal(("pg3", null), MemberRollout.SwitchoverTarget(cluster, "pg1", requested: null, preferred: "pg1", SixteenMegabytes, synchronousMode: true));
        Assert.Equal(("pg3", null), MemberRollout.SwitchoverTarget(cluster, "pg1", requested: null, preferred: null, SixteenMegabytes, synchronousMode: true));
    }

    [Fact]
    public void A_switchover_to_a_member_that_cannot_take_over_is_refused_with_why()
    {
        var cluster = new PatroniCluster("pg-lab", [Member("pg1", PatroniRole.Leader), Member("pg2", PatroniRole.Replica, lag: 40L * 1024 * 1024), Member("pg3", PatroniRole.Replica, state: "stopped")]);

        Assert.Equal((null, "pg2 cannot take over now: is 40 MB behind (more than 16 MB)"),
            MemberRollout.SwitchoverTarget(cluster, "pg1", "pg2", null, SixteenMegabytes, synchronousMode: false));
        Assert.Equal((null, "pg3 cannot take over now: is stopped"), MemberRollout.SwitchoverTarget(cluster, "pg1", "pg3", null, SixteenMegabytes, synchronousMode: false));
        Assert.Equal((null, "pg1 leads already"), MemberRollout.SwitchoverTarget(cluster, "pg1", "pg1", null, SixteenMegabytes, synchronousMode: false));
        Assert.Equal((null, "pg9 is not a member of the cluster (members: pg1, pg2, pg3)"),
            MemberRollout.SwitchoverTarget(cluster, "pg1", "pg9", null, SixteenMegabytes, synchronousMode: false));
        Assert.Equal((null, "no member can take over from pg1 now: pg2 is 40 MB behind (more than 16 MB); pg3 is stopped"),
            MemberRollout.SwitchoverTarget(cluster, "pg1", null, "pg2", SixteenMegabytes, synchronousMode: false));
    }
}
