using Npgsql;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Replication;

/// <summary>
/// Drops the physical replication slots on the primary that no replica of the environment owns and nothing uses
/// (a replica removed from the stack leaves its slot, and a kept slot keeps WAL until the disk is full).
/// Run by Deploy with --prune only: slots are data the operator may still want.
/// </summary>
public sealed class StraySlotPruner(Func<string, string?>? variable = null)
{
    public async Task<IReadOnlyList<string>> PruneAsync(EnvironmentDocument document, SecretValues secrets, CancellationToken cancellation = default)
    {
        var spec = document.Spec;
        var targets = await new TargetResolver(variable ?? Environment.GetEnvironmentVariable).ResolveAsync(document, cancellation);
        var primary = targets[0];
        if (primary.Host is null)
            throw new Pipeline.PipelineFailedException($"cannot reach the primary to prune slots: {primary.Problem}");

        await using var connection = await new SmokeConnector(secrets.SuperuserPassword, spec.Smoke.ConnectTimeoutSeconds, SmokeRetry.Default)
            .OpenAsync(primary, cancellation);
        // A replica removed a moment ago may still hold its slot until its connection ends.
        var owned = spec.Replicas.Select(r => r.Slot).ToArray();
        await Waiter.System.PollAsync((_, token) => new ValueTask<long>(ActiveUnownedSlots(connection, owned, token)), active => active == 0,
            new PollSchedule(TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(500)), cancellation);

        await using var command = new NpgsqlCommand(
            """
            SELECT slot_name::text, pg_drop_replication_slot(slot_name) IS NULL
            FROM pg_replication_slots
            WHERE slot_type = 'physical' AND NOT active AND NOT (slot_name::text = ANY(@owned))
            ORDER BY slot_name
            """, connection);
        command.Parameters.AddWithValue("owned", owned);
        var dropped = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
            dropped.Add(reader.GetString(0));
        return dropped;
    }

    private static async Task<long> ActiveUnownedSlots(NpgsqlConnection connection, string[] owned, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_replication_slots WHERE slot_type = 'physical' AND active AND NOT (slot_name::text = ANY(@owned))", connection);
        command.Parameters.AddWithValue("owned", owned);
        return (long)(await command.ExecuteScalarAsync(cancellation))!;
    }
}
