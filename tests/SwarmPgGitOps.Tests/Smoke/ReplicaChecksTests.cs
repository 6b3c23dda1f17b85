using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Tests.Smoke;

public class ReplicaChecksTests
{
    private static readonly SmokeExpectations Lab = Healthy.Expectations();
    private static readonly ExpectedReplica Replica1 = Lab.Replicas[0];

    private static IReadOnlyList<SmokeCheck> Evaluate(Func<ReplicaObservation, ReplicaObservation> change, ClusterIdentity? primary = null) =>
        ReplicaChecks.Evaluate(change(Healthy.Replica(Replica1)), Replica1, primary ?? Healthy.Identity, Lab);

    private static SmokeCheck SingleFailure(IReadOnlyList<SmokeCheck> checks) => Assert.Single(checks, c => !c.Passed);

    [Fact]
    public void A_healthy_replica_passes_every_check()
    {
        var checks = Evaluate(o => o);

        Assert.All(checks, c => Assert.True(c.Passed, c.Describe()));
        Assert.All(checks, c => Assert.Equal("replica1", c.Target));
        Assert.Equal(["recovery", "wal_receiver.status", "wal_receiver.slot", "replay_backlog_bytes", "primary_conninfo", "read_only", "system_identifier", "timeline"], checks.Select(c => c.Name));
    }

    [Fact]
    public void A_promoted_replica_fails_recovery_and_read_only()
    {
        var checks = Evaluate(o => o with { InRecovery = false, WriteOutcome = ReplicaObservation.WriteAccepted });

        Assert.Equal(["recovery", "read_only"], checks.Where(c => !c.Passed).Select(c => c.Name));
        Assert.Equal("write accepted", checks.Single(c => c.Name == "read_only").Value);
    }

    [Fact]
    public void A_replica_without_a_wal_receiver_fails_its_status_and_has_no_slot_to_compare()
    {
        var checks = Evaluate(o => o with { Receiver = null });

        var failure = SingleFailure(checks);
        Assert.Equal(("wal_receiver.status", "no wal receiver"), (failure.Name, failure.Value));
        Assert.Contains("docker service logs pg-lab_replica1", failure.Hint);
        Assert.DoesNotContain(checks, c => c.Name == "wal_receiver.slot");
    }

    [Fact]
    public void A_replica_on_another_slot_fails()
    {
        var failure = SingleFailure(Evaluate(o => o with { Receiver = o.Receiver! with { SlotName = "replica2" } }));

        Assert.Equal("wal_receiver.slot on replica1 = replica2 (expected replica1)", failure.Describe());
    }

    [Theory]
    [InlineData(16_777_216L, true)]
    [InlineData(16_777_217L, false)]
    [InlineData(null, false)]
    public void The_replay_backlog_must_stay_under_the_threshold(long? bytes, bool passes)
    {
        var checks = Evaluate(o => o with { ReplayBacklogBytes = bytes });

        Assert.Equal(passes, checks.Single(c => c.Name == "replay_backlog_bytes").Passed);
    }

    [Fact]
    public void A_password_in_primary_conninfo_fails_without_showing_it()
    {
        var failure = SingleFailure(Evaluate(o => o with { ConninfoHoldsPassword = true }));

        Assert.Equal(("primary_conninfo", "holds password= (value hidden)"), (failure.Name, failure.Value));
    }

    [Fact]
    public void Another_write_error_than_read_only_fails()
    {
        var failure = SingleFailure(Evaluate(o => o with { WriteOutcome = "42P01" }));

        Assert.Equal(("read_only", "SQLSTATE 42P01", "SQLSTATE 25006"), (failure.Name, failure.Value, failure.Threshold));
    }

    [Fact]
    public void A_copy_of_another_cluster_fails_the_system_identifier_check()
    {
        var failure = SingleFailure(Evaluate(o => o, Healthy.Identity with { SystemIdentifier = 42 }));

        Assert.Equal(("system_identifier", "42"), (failure.Name, failure.Threshold));
    }

    [Fact]
    public void Another_timeline_fails()
    {
        var failure = SingleFailure(Evaluate(o => o with { Identity = o.Identity with { Timeline = 2 } }));

        Assert.Equal(("timeline", "2", "1"), (failure.Name, failure.Value, failure.Threshold));
    }

    [Fact]
    public void Without_the_primary_the_identity_checks_are_left_out()
    {
        var checks = ReplicaChecks.Evaluate(Healthy.Replica(Replica1), Replica1, primary: null, Lab);

        Assert.DoesNotContain(checks, c => c.Name is "system_identifier" or "timeline");
    }
}
