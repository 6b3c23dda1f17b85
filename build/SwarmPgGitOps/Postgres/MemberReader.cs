using Npgsql;

namespace SwarmPgGitOps.Postgres;

/// <summary>Reads one member's state as typed records, each read in one round trip of <see cref="CatalogQueries"/>.</summary>
public static class MemberReader
{
    /// <param name="settings">The settings to read; max_slot_wal_keep_size is always read.</param>
    /// <param name="replicationUser">The role whose password scheme is read.</param>
    public static async Task<PrimaryObservation> ReadPrimaryAsync(NpgsqlConnection connection, IEnumerable<string> settings, string replicationUser,
        CancellationToken cancellation)
    {
        var batch = new QueryBatch();
        var inRecovery = batch.Add(CatalogQueries.InRecovery);
        var replication = batch.Add(CatalogQueries.Replication);
        var slots = batch.Add(CatalogQueries.Slots);
        var settingRows = batch.Add(CatalogQueries.Settings(settings.Append("max_slot_wal_keep_size").Distinct().ToArray()));
        var hba = batch.Add(CatalogQueries.HbaRules);
        var scheme = batch.Add(CatalogQueries.PasswordScheme(replicationUser, MonitorRole.LoggedIn(connection)));
        var identity = batch.Add(CatalogQueries.Identity);
        await batch.RunAsync(connection, cancellation);
        return new PrimaryObservation(inRecovery.Single(), replication, slots, settingRows.Select(s => s.Row).ToList(), hba,
            scheme.DefaultIfEmpty(PasswordScheme.RoleMissing).First(), identity.Single());
    }

    /// <summary>Reads the replica's recovery and WAL receiver, then tries one write inside a transaction that is always rolled back.</summary>
    public static async Task<ReplicaObservation> ReadReplicaAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        var batch = new QueryBatch();
        var standby = batch.Add(CatalogQueries.Standby);
        var receiver = batch.Add(CatalogQueries.WalReceiver);
        await batch.RunAsync(connection, cancellation);
        var status = standby.Single();
        var write = await TryWrite(connection, cancellation);
        return new ReplicaObservation(status.InRecovery, receiver.FirstOrDefault(), status.ReplayBacklogBytes, status.ConninfoHoldsPassword, write, status.Identity);
    }

    /// <summary>What any member runs with: the named settings and those set with ALTER SYSTEM, pg_hba rules, slots and walsenders.</summary>
    public static async Task<DatabaseState> ReadDatabaseAsync(NpgsqlConnection connection, IReadOnlyCollection<string> settings, CancellationToken cancellation)
    {
        var batch = new QueryBatch();
        var live = batch.Add(CatalogQueries.Settings(settings));
        var hba = batch.Add(CatalogQueries.HbaRules);
        var slots = batch.Add(CatalogQueries.Slots);
        var replication = batch.Add(CatalogQueries.Replication);
        await batch.RunAsync(connection, cancellation);
        return new DatabaseState(live, hba, slots, replication);
    }

    /// <summary>The SQLSTATE a write gets; a standby answers 25006 (read_only_sql_transaction). Nothing is ever kept.</summary>
    private static async Task<string> TryWrite(NpgsqlConnection connection, CancellationToken cancellation)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        try
        {
            await using var command = new NpgsqlCommand($"INSERT INTO {CanaryProbe.Table} (token) VALUES ('smoke-write-probe')", connection, transaction);
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
