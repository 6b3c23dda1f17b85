using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Tests.Smoke;

public class CanaryChecksTests
{
    private static readonly SmokeExpectations Lab = Healthy.Expectations();

    [Fact]
    public void A_canary_that_arrived_in_time_passes_with_its_round_trip()
    {
        var checks = CanaryChecks.Evaluate(new CanaryArrival("replica1", TimeSpan.FromMilliseconds(12.34), TimeSpan.FromMilliseconds(10)), Lab).ToList();

        Assert.All(checks, c => Assert.True(c.Passed));
        Assert.Equal(("canary.round_trip", "replica1", "12.3 ms", "≤ 30 s"), (checks[0].Name, checks[0].Target, checks[0].Value, checks[0].Threshold));
        Assert.Equal(("replay_age", "0.01 s", "≤ 10 s"), (checks[1].Name, checks[1].Value, checks[1].Threshold));
    }

    [Fact]
    public void A_canary_that_did_not_arrive_fails_and_skips_the_replay_age()
    {
        var check = Assert.Single(CanaryChecks.Evaluate(new CanaryArrival("replica2", null, null, "not seen after 30 s"), Lab));

        Assert.False(check.Passed);
        Assert.Equal("not seen after 30 s", check.Value);
    }

    [Fact]
    public void An_old_last_replayed_commit_after_the_canary_fails()
    {
        var checks = CanaryChecks.Evaluate(new CanaryArrival("replica1", TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(11)), Lab).ToList();

        Assert.Equal(["replay_age"], checks.Where(c => !c.Passed).Select(c => c.Name));
    }

    [Fact]
    public void A_refused_canary_write_fails_on_the_primary()
    {
        var check = CanaryChecks.Write("42P01 relation \"public.swarm_pg_canary\" does not exist");

        Assert.False(check.Passed);
        Assert.Equal("primary", check.Target);
    }
}
