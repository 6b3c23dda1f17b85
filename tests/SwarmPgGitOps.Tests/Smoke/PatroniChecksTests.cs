using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Tests.Smoke;

public sealed class PatroniChecksTests
{
    private static readonly PatroniExpectations ThreeMembersOneSync = new("pg-lab", ["pg1", "pg2", "pg3"], 1, 16 * 1024 * 1024);

    private static PatroniMember Leader(string name, int tl = 2) => new(name, name, PatroniRole.Leader, "running", tl, null, false);

    private static PatroniMember Standby(string name, PatroniRole role = PatroniRole.Replica, string state = "streaming", int? tl = 2, long? lag = 0) =>
        new(name, name, role, state, tl, lag, false);

    private static IReadOnlyList<SmokeCheck> Failed(params PatroniMember[] members) =>
        PatroniChecks.Evaluate(new PatroniCluster("pg-lab", members), ThreeMembersOneSync).Where(c => !c.Passed).ToList();

    [Fact]
    public void A_healthy_cluster_passes_every_check()
    {
        var checks = PatroniChecks.Evaluate(new PatroniCluster("pg-lab", [Leader("pg1"), Standby("pg2", PatroniRole.SyncStandby), Standby("pg3")]), ThreeMembersOneSync);

        Assert.All(checks, c => Assert.True(c.Passed, c.Describe()));
        Assert.Equal(
            ["patroni.leader", "patroni.state", "patroni.state", "patroni.lag", "patroni.timeline", "patroni.state", "patroni.lag", "patroni.timeline", "patroni.synchronous_standbys"],
            checks.Select(c => c.Name));
    }

    [Fact]
    public void No_leader_fails_the_leader_check_and_names_none()
    {
        var failed = Failed(Standby("pg1", tl: 2), Standby("pg2", PatroniRole.SyncStandby), Standby("pg3"));

        var leader = Assert.Single(failed);
        Assert.Equal("patroni.leader on pg-lab = none (expected exactly one)", leader.Describe());
    }

    [Fact]
    public void Two_leaders_fail_and_are_both_named()
    {
        var failed = Failed(Leader("pg1"), Leader("pg2"), Standby("pg3"));

        Assert.Contains(failed, c => c.Describe() == "patroni.leader on pg-lab = pg1, pg2 (expected exactly one)");
    }

    [Fact]
    public void A_member_that_is_not_streaming_behind_or_on_another_timeline_fails_each_of_those()
    {
        var failed = Failed(Leader("pg1", tl: 3), Standby("pg2", PatroniRole.SyncStandby, tl: 3), Standby("pg3", state: "starting", tl: 2, lag: 40L * 1024 * 1024));

        Assert.Equal(
            ["patroni.state on pg3 = starting (expected streaming)", "patroni.lag on pg3 = 40 MB (expected ≤ 16 MB)", "patroni.timeline on pg3 = 2 (expected 3)"],
            failed.Select(c => c.Describe()));
    }

    [Fact]
    public void A_declared_member_missing_and_an_undeclared_one_present_both_fail()
    {
        var failed = Failed(Leader("pg1"), Standby("pg2", PatroniRole.SyncStandby), Standby("pg9"));

        Assert.Equal(
            ["patroni.member on pg3 = not in Patroni's member list (expected listed)", "patroni.member on pg9 = listed by Patroni (expected not declared in members)"],
            failed.Select(c => c.Describe()));
    }

    [Fact]
    public void Synchronous_mode_without_a_synchronous_standby_fails()
    {
        var failed = Failed(Leader("pg1"), Standby("pg2"), Standby("pg3"));

        Assert.Equal(["patroni.synchronous_standbys on pg-lab = none (expected ≥ 1)"], failed.Select(c => c.Describe()));
    }

    [Fact]
    public void Without_synchronous_mode_there_is_no_synchronous_check()
    {
        var checks = PatroniChecks.Evaluate(new PatroniCluster("pg-lab", [Leader("pg1"), Standby("pg2"), Standby("pg3")]), ThreeMembersOneSync with { SynchronousStandbys = 0 });

        Assert.DoesNotContain(checks, c => c.Name == "patroni.synchronous_standbys");
        Assert.All(checks, c => Assert.True(c.Passed, c.Describe()));
    }
}
