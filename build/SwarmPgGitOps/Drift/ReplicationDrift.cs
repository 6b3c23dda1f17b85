using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Drift;

/// <summary>
/// The primary's (or Patroni leader's) replication against the replicas it must feed: one physical slot per replica, each
/// replica connected once (pg_stat_replication, by the application_name it streams under), and no other permanent slot.
/// </summary>
public static class ReplicationDrift
{
    /// <summary>The classic layout: each replica streams through its slot and reports the slot's name as application_name.</summary>
    public static IReadOnlyList<DriftItem> Find(string primary, IReadOnlyList<ReplicaSpec> replicas, IReadOnlyList<SlotRow> slots, IReadOnlyList<ReplicationRow> replication) =>
        Find(primary, Expected(replicas), slots, replication);

    /// <summary>The classic layout's replicas as the primary sees them.</summary>
    public static IReadOnlyList<ExpectedReplica> Expected(IEnumerable<ReplicaSpec> replicas) =>
        replicas.Select(r => new ExpectedReplica(r.Name, r.Slot, r.Synchronous, r.Slot)).ToList();

    public static IReadOnlyList<DriftItem> Find(string primary, IReadOnlyList<ExpectedReplica> replicas, IReadOnlyList<SlotRow> slots, IReadOnlyList<ReplicationRow> replication)
    {
        var items = new List<DriftItem>();
        var database = DriftObjects.Database(primary);
        foreach (var replica in replicas)
        {
            var slot = slots.FirstOrDefault(s => s.Name == replica.Slot);
            if (slot is null)
                items.Add(new DriftItem(database, $"slot {replica.Slot}", "physical", DriftObjects.Missing));
            else if (slot.SlotType != "physical")
                items.Add(new DriftItem(database, $"slot {replica.Slot}", "physical", slot.SlotType));

            var connected = replication.Where(r => r.ApplicationName == replica.ApplicationName).ToList();
            if (connected.Count == 0)
                items.Add(new DriftItem(database, $"replica {replica.Name}", "connected", "not connected"));
            else if (connected.Count > 1)
                items.Add(new DriftItem(database, $"replica {replica.Name}", "connected once", $"{connected.Count} connections"));
        }

        var known = replicas.Select(r => r.Slot).ToHashSet(StringComparer.Ordinal);
        foreach (var stray in slots.Where(s => !s.Temporary && !known.Contains(s.Name)).OrderBy(s => s.Name, StringComparer.Ordinal))
            items.Add(new DriftItem(database, $"slot {stray.Name}", DriftObjects.NotInGit, $"{stray.SlotType}, {(stray.Active ? "active" : "inactive")}"));
        return items;
    }
}
