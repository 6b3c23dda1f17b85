using Npgsql;

namespace SwarmPgGitOps.Postgres;

/// <summary>Physical replication slots on the primary that none of the given slot names (the replicas' own) covers.</summary>
public static class ReplicationSlots
{
    public static async Task<long> CountActiveUnownedAsync(NpgsqlConnection connection, string[] owned, CancellationToken cancellation) =>
        (await new Query<long>(
            "SELECT count(*) FROM pg_replication_slots WHERE slot_type = 'physical' AND active AND NOT (slot_name::text = ANY(@owned))",
            r => r.GetInt64(0), ("owned", owned)).ReadAsync(connection, cancellation)).Single();

    /// <summary>Drops every inactive unowned physical slot and returns their names, in order.</summary>
    public static Task<IReadOnlyList<string>> DropInactiveUnownedAsync(NpgsqlConnection connection, string[] owned, CancellationToken cancellation) =>
        new Query<string>(
            """
            SELECT slot_name::text, pg_drop_replication_slot(slot_name) IS NULL
            FROM pg_replication_slots
            WHERE slot_type = 'physical' AND NOT active AND NOT (slot_name::text = ANY(@owned))
            ORDER BY slot_name
            """,
            r => r.GetString(0), ("owned", owned)).ReadAsync(connection, cancellation);
}
