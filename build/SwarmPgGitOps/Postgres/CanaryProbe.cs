using System.Diagnostics;
using Npgsql;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Postgres;

/// <summary>
/// Writes one canary row on the primary (removing older ones in the same transaction, so the table holds one row) and
/// waits on a replica until it has replayed past the primary's LSN after the write and shows the row.
/// </summary>
public static class CanaryProbe
{
    public const string Table = "public.swarm_pg_canary";

    /// <summary>Run once on a new cluster, by the classic primary's entrypoint or Patroni's post_bootstrap: Smoke only writes rows.</summary>
    public const string CreateTable = $"CREATE TABLE IF NOT EXISTS {Table} (token text PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now());";
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan SlowestPoll = TimeSpan.FromMilliseconds(100);

    public sealed record Written(string Token, string Lsn, long StartedAt);

    public static string NewToken() => $"smoke-{DateTimeOffset.UtcNow:yyyyMMddTHHmmssfffZ}-{Guid.NewGuid():N}";

    public static async Task<Written> WriteAsync(NpgsqlConnection primary, string token, CancellationToken cancellation)
    {
        var startedAt = Stopwatch.GetTimestamp();
        await using (var transaction = await primary.BeginTransactionAsync(cancellation))
        {
            await using var command = new NpgsqlCommand(
                $"DELETE FROM {Table} WHERE token <> @token; INSERT INTO {Table} (token) VALUES (@token);", primary, transaction);
            command.Parameters.AddWithValue("token", token);
            await command.ExecuteNonQueryAsync(cancellation);
            await transaction.CommitAsync(cancellation);
        }
        await using var lsn = new NpgsqlCommand("SELECT pg_current_wal_lsn()::text", primary);
        return new Written(token, (string)(await lsn.ExecuteScalarAsync(cancellation))!, startedAt);
    }

    public static async Task<CanaryArrival> AwaitAsync(NpgsqlConnection replica, string name, Written canary, TimeSpan timeout, CancellationToken cancellation)
    {
        await using var arrived = new NpgsqlCommand(
            $"SELECT COALESCE(pg_last_wal_replay_lsn() >= @lsn::pg_lsn, false) AND EXISTS (SELECT FROM {Table} WHERE token = @token)", replica);
        arrived.Parameters.AddWithValue("lsn", canary.Lsn);
        arrived.Parameters.AddWithValue("token", canary.Token);
        var seen = await Waiter.System.PollAsync(async (_, token) => (bool)(await arrived.ExecuteScalarAsync(token))!, seen => seen,
            new PollSchedule(timeout - Stopwatch.GetElapsedTime(canary.StartedAt), FirstPoll, SlowestPoll), cancellation);
        if (!seen.Done)
            return new CanaryArrival(name, null, null, $"not seen after {timeout.TotalSeconds:0} s");
        var roundTrip = Stopwatch.GetElapsedTime(canary.StartedAt);

        // Only meaningful now: on an idle primary the last replayed commit grows old by itself.
        await using var age = new NpgsqlCommand("SELECT EXTRACT(epoch FROM now() - pg_last_xact_replay_timestamp())::float8", replica);
        var seconds = await age.ExecuteScalarAsync(cancellation);
        return new CanaryArrival(name, roundTrip, seconds is double s ? TimeSpan.FromSeconds(Math.Max(0, s)) : null);
    }
}
