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
        var cluster = new PatroniCluster("pg-lab", [Member("pg1", PatroniRole.Leader), Member("pg2", PatroniRole.Replica, lag: 40), Member("pg3", PatroniRole.Replica, state: "starting")]);

        Assert.Null(MemberRollout.SwitchoverCandidate(cluster, "pg1", preferred: null, new HashSet<string>(), SixteenMegabytes, synchronousMode: false));
        Assert.Equal("pg2 is 40 MB behind; pg3 is starting", MemberRollout.WhyNoCandidate(cluster, "pg1", SixteenMegabytes));
    }
}
