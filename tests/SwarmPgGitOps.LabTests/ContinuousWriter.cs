using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// A small client that inserts a row every 25 ms through a connection string that finds the leader itself, and keeps
/// the id of every row whose commit was acknowledged, with when and by which server (its host name: a Patroni member's
/// container is named after the member). Failed attempts are not counted.
/// </summary>
public sealed class ContinuousWriter : IAsyncDisposable
{
    public const string Table = "public.fault_writes";

    private readonly ConcurrentQueue<(long Id, TimeSpan Started, TimeSpan At, string Server)> _acknowledged = new();
    private readonly ConcurrentQueue<(TimeSpan Started, TimeSpan At, string Error)> _failed = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Task _loop = Task.CompletedTask;

    public IReadOnlyCollection<(long Id, TimeSpan Started, TimeSpan At, string Server)> Acknowledged => _acknowledged;

    /// <summary>The attempts that failed: when each began and ended (writer time) and why, for the output.</summary>
    public IReadOnlyCollection<(TimeSpan Started, TimeSpan At, string Error)> Failed => _failed;

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>When writer time began (UTC), to line its times up with the members' logs.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public static Task<ContinuousWriter> StartAsync(string connectionString) => StartAsync([connectionString]);

    /// <summary>
    /// Writes through the first of <paramref name="connectionStrings"/> the leader accepts (for a password that rotates
    /// while the writer runs: the old one, then the new one).
    /// </summary>
    public static async Task<ContinuousWriter> StartAsync(IReadOnlyList<string> connectionStrings)
    {
        await using (var setup = await OpenAsync(connectionStrings))
            await PatroniLabStack.Scalar<int>(setup, $"CREATE TABLE IF NOT EXISTS {Table} (id bigserial PRIMARY KEY, at timestamptz DEFAULT now()); SELECT 1");
        var writer = new ContinuousWriter();
        writer._loop = Task.Run(() => writer.WriteUntilStopped(connectionStrings));
        return writer;
    }

    /// <summary>A connection with the first connection string the server accepts; the last refusal when it accepts none.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(IReadOnlyList<string> connectionStrings)
    {
        PostgresException? refused = null;
        foreach (var connectionString in connectionStrings)
        {
            var connection = new NpgsqlConnection(connectionString);
            try
            {
                await connection.OpenAsync();
                return connection;
            }
            catch (PostgresException e) when (e.SqlState == "28P01")
            {
                refused = e;
                await connection.DisposeAsync();
            }
        }
        throw refused!;
    }

    /// <summary>How many acknowledged rows the server behind <paramref name="connection"/> does not have.</summary>
    public async Task<long> MissingOn(NpgsqlConnection connection)
    {
        var ids = Acknowledged.Select(a => a.Id).ToList();
        Assert.NotEmpty(ids);
        return await PatroniLabStack.Scalar<long>(connection,
            $"SELECT count(*) FROM unnest(ARRAY[{string.Join(",", ids)}]::bigint[]) AS a(id) WHERE NOT EXISTS (SELECT 1 FROM {Table} w WHERE w.id = a.id)");
    }

    /// <summary>Returns once a write begun after <paramref name="since"/> (writer time) was acknowledged: how long after it that was.</summary>
    public async Task<TimeSpan> NextAcknowledgedAfter(TimeSpan since, TimeSpan timeout)
    {
        TimeSpan? first = null;
        await Waits.Until(() =>
        {
            first = _acknowledged.Where(a => a.Started > since).Select(a => (TimeSpan?)a.At).Min();
            return Task.FromResult(first is not null);
        }, timeout, "a write acknowledged after the fault");
        return first!.Value - since;
    }

    /// <summary>
    /// Returns once a write begun after <paramref name="since"/> (writer time) was acknowledged by a server that
    /// <paramref name="server"/> accepts: that write (the first such acknowledged).
    /// </summary>
    public async Task<(long Id, TimeSpan Started, TimeSpan At, string Server)> FirstAcknowledgedAfter(TimeSpan since, Func<string, bool> server, TimeSpan timeout)
    {
        (long Id, TimeSpan Started, TimeSpan At, string Server)? first = null;
        await Waits.Until(() =>
        {
            first = _acknowledged.Where(a => a.Started > since && server(a.Server)).OrderBy(a => a.At).Select(a => ((long, TimeSpan, TimeSpan, string)?)a).FirstOrDefault();
            return Task.FromResult(first is not null);
        }, timeout, "a write acknowledged after the fault");
        return first!.Value;
    }

    /// <summary>The longest time between two acknowledged writes.</summary>
    public TimeSpan LongestGap() => LongestGap(TimeSpan.Zero, TimeSpan.MaxValue);

    /// <summary>The longest time between two acknowledged writes, of those gaps that overlap <paramref name="from"/>..<paramref name="to"/> (writer time).</summary>
    public TimeSpan LongestGap(TimeSpan from, TimeSpan to)
    {
        var times = _acknowledged.Select(a => a.At).Order().ToList();
        return times.Zip(times.Skip(1), (a, b) => (a, b)).Where(g => g.b > from && g.a < to).Select(g => g.b - g.a).DefaultIfEmpty().Max();
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    /// <summary>
    /// The failed attempts that ended between <paramref name="from"/> and <paramref name="to"/> (writer time), one line
    /// per run of attempts that failed alike: when the run began and ended (relative to <paramref name="from"/>), how
    /// many attempts and how long the longest took, and the error.
    /// </summary>
    public string FailuresBetween(TimeSpan from, TimeSpan to)
    {
        var lines = new List<string>();
        var failed = _failed.Where(f => f.At > from && f.At <= to).OrderBy(f => f.At).ToList();
        for (var i = 0; i < failed.Count;)
        {
            var run = failed.Skip(i).TakeWhile(f => f.Error == failed[i].Error).ToList();
            lines.Add($"  {(run[0].Started - from).TotalSeconds:0.0}..{(run[^1].At - from).TotalSeconds:0.0} s: {run.Count} attempts, longest {run.Max(f => f.At - f.Started).TotalSeconds:0.0} s: {run[0].Error}");
            i += run.Count;
        }
        return string.Join("\n", lines);
    }

    private static string Describe(Exception e)
    {
        var inner = e.InnerException is { } cause ? $" <- {cause.GetType().Name}: {cause.Message}" : "";
        return $"{e.GetType().Name}: {e.Message}{inner}";
    }

    private async Task WriteUntilStopped(IReadOnlyList<string> connectionStrings)
    {
        while (!_stop.IsCancellationRequested)
        {
            var started = _clock.Elapsed;
            try
            {
                await using var connection = await OpenAsync(connectionStrings);
                await using var insert = new NpgsqlCommand($"INSERT INTO {Table} DEFAULT VALUES RETURNING id, trim(pg_read_file('/etc/hostname'), E' \\n')", connection);
                await using var row = await insert.ExecuteReaderAsync();
                await row.ReadAsync();
                var (id, server) = (row.GetInt64(0), row.GetString(1));
                await row.CloseAsync();
                _acknowledged.Enqueue((id, started, _clock.Elapsed, server));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                _failed.Enqueue((started, _clock.Elapsed, Describe(e)));
            }
            await Task.Delay(25);
        }
    }
}
