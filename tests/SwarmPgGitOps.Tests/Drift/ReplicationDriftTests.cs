using SwarmPgGitOps.Drift;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Tests.Smoke;

namespace SwarmPgGitOps.Tests.Drift;

public sealed class ReplicationDriftTests
{
    private static readonly RenderedLab Lab = new();

    private static (List<SlotRow> Slots, List<ReplicationRow> Replication) Healthy()
    {
        var primary = Smoke.Healthy.Primary(Smoke.Healthy.Expectations());
        return (primary.Slots.ToList(), primary.Replication.ToList());
    }

    [Fact]
    public void Every_replica_connected_through_its_slot_is_no_drift()
    {
        var (slots, replication) = Healthy();
        Assert.Empty(ReplicationDrift.Find("primary", Lab.Spec.Classic().Replicas, slots, replication));
    }

    [Fact]
    public void A_dropped_slot_a_stray_slot_and_a_disconnected_replica_are_reported()
    {
        var (slots, replication) = Healthy();
        slots.RemoveAll(s => s.Name == "replica1");
        slots.Add(new SlotRow("old_replica", "physical", false, false, "extended"));
        slots.Add(new SlotRow("pg_basebackup_123", "physical", true, true, "reserved"));
        replication.RemoveAll(r => r.ApplicationName == "replica2");

        var items = ReplicationDrift.Find("primary", Lab.Spec.Classic().Replicas, slots, replication);

        Assert.Equal(
        [
            ("slot replica1", "physical", "missing"),
            ("replica replica2", "connected", "not connected"),
            ("slot old_replica", "(not in git)", "physical, inactive"),
        ], items.Select(i => (i.Field, i.Desired, i.Live)));
        Assert.All(items, i => Assert.Equal("database primary", i.Object));
        Assert.All(items, i => Assert.False(i.CanBeAdopted));
    }
}
