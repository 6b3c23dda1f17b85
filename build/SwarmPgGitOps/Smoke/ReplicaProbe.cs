using Npgsql;

namespace SwarmPgGitOps.Smoke;

/// <summary>Reads what the replica checks need, and tries one write inside a transaction that is always rolled back.</summary>
public static class ReplicaProbe
{
    // primary_conninfo is matched on the server so that its value never reaches this process.
    private const string Sql = """
        SELECT pg_is_in_recovery(),
               pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint,
               current_setting('primary_conninfo') ~* '(^|\s)password\s*=',
               (SELECT system_identifier FROM pg_control_system()),
               COALESCE((SELECT received_tli FROM pg_stat_wal_receiver), (SELECT timeline_id FROM pg_control_checkpoint()));
        SELECT status, slot_name, received_tli FROM pg_stat_wal_receiver;
        """;

    public static async Task<ReplicaObservation> ReadAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        bool inRecovery, conninfoHoldsPassword;
        long? backlog;
        ClusterIdentity identity;
        WalReceiverRow? receiver = null;
        await using (var command = new NpgsqlCommand(Sql, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            await reader.ReadAsync(cancellation);
            inRecovery = reader.GetBoolean(0);
            backlog = reader.IsDBNull(1) ? null : reader.GetInt64(1);
            conninfoHoldsPassword = !reader.IsDBNull(2) && reader.GetBoolean(2);
            identity = new ClusterIdentity(reader.GetInt64(3), reader.GetInt32(4));

            await reader.NextResultAsync(cancellation);
            if (await reader.ReadAsync(cancellation))
                receiver = new WalReceiverRow(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt32(2));
        }
        var write = await TryWrite(connection, cancellation);
        return new ReplicaObservation(inRecovery, receiver, backlog, conninfoHoldsPassword, write, identity);
    }

    /// <summary>The SQLSTATE a write gets; a standby answers 25006 (read_only_sql_transaction). Nothing is ever kept.</summary>
    private static async Task<string> TryWrite(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        try
        {
            await using var command = new NpgsqlCommand("INSERT INTO public.swarm_pg_canary (token) VALUES ('smoke-write-probe')", connection, transaction);
            await command.ExecuteNonQueryAsync(cancellation);
            return ReplicaObservation.WriteAccepted;
        }
        catch (PostgresException e)
        {
            return e.SqlState;
        }
        finally
        {
            await transaction.RollbackAsync(cancellation);
        }
    }
}
