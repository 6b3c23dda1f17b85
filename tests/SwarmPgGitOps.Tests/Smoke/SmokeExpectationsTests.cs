using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Tests.Smoke;

public class SmokeExpectationsTests
{
    [Fact]
    public void The_lab_expects_its_replicas_slots_thresholds_and_settings_unquoted()
    {
        var expected = Healthy.Expectations();

        Assert.Equal([new ExpectedReplica("replica1", "replica1", false), new ExpectedReplica("replica2", "replica2", false)], expected.Replicas);
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
}
