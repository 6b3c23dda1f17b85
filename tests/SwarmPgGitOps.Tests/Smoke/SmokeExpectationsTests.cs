using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Smoke;

public class SmokeExpectationsTests
{
    [Fact]
    public void The_lab_expects_its_replicas_slots_thresholds_and_settings_unquoted()
    {
        var expected = Healthy.Expectations();

        Assert.Equal([new ExpectedReplica("replica1", "replica1", false, "replica1"), new ExpectedReplica("replica2", "replica2", false, "replica2")], expected.Replicas);
        Assert.Equal(16_777_216, expected.Thresholds.MaxReplayLagBytes);
        Assert.Equal("1GB", expected.Settings.Single(s => s.Name == "max_slot_wal_keep_size").Value);
        Assert.Equal("", expected.Settings.Single(s => s.Name == "synchronous_standby_names").Value);
        Assert.Equal("on", expected.Settings.Single(s => s.Name == "hot_standby").Value);
        Assert.Equal("replicator", expected.ReplicationUser);
        Assert.False(expected.AnyAddressAllowed);
    }

    [Fact]
    public void Synchronous_replicas_are_named_in_synchronous_standby_names()
    {
        var expected = Healthy.Expectations("prod");

        var synchronous = Assert.Single(expected.Replicas, r => r.Synchronous);
        Assert.Equal($"ANY 1 ({synchronous.Slot})", expected.Settings.Single(s => s.Name == "synchronous_standby_names").Value);
    }

    [Fact]
    public void A_Patroni_member_streams_under_its_own_name_through_the_slot_Patroni_names_after_it()
    {
        var renamed = Repo.Load(PatroniFixture.With("  - name: pg2\n", "  - name: Pg-2\n"), "lab");
        var cluster = new PatroniCluster("pg-lab", [new PatroniMember("pg1", "pg1", PatroniRole.Leader, "running", 1, null, false),
            new PatroniMember("Pg-2", "Pg-2", PatroniRole.SyncStandby, "streaming", 1, 0, false)]);

        var expected = SmokeExpectations.ForPatroni(renamed, cluster, "pg1");

        Assert.Equal([new ExpectedReplica("Pg-2", "pg_2", true, "Pg-2"), new ExpectedReplica("pg3", "pg3", false, "pg3")], expected.Replicas);
    }
}
