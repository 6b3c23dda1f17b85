using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// A small client that inserts a row every 25 ms through a connection string that finds the leader itself, and keeps
/// the id of every row whose commit was acknowledged, with when. Failed attempts are not counted.
/// </summary>
public sealed class ContinuousWriter : IAsyncDisposable
{
    public const string Table = "public.fault_writes";

    private readonly ConcurrentQueue<(long Id, TimeSpan Started, TimeSpan At)> _acknowledged = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Task _loop = Task.CompletedTask;

    public IReadOnlyCollection<(long Id, TimeSpan Started, TimeSpan At)> Acknowledged => _acknowledged;

    public TimeSpan Now => _clock.Elapsed;

    public static async Task<ContinuousWriter> StartAsync(string connectionString)
    {
        await using (var setup = new NpgsqlConnection(connectionString))
            await PatroniLabStack.Scalar<int>(setup, $"CREATE TABLE IF NOT EXISTS {Table} (id bigserial PRIMARY KEY, at timestamptz DEFAULT now()); SELECT 1");
        var writer = new ContinuousWriter();
        writer._loop = Task.Run(() => writer.WriteUntilStopped(connectionString));
        return writer;
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

    /// <summary>The longest time between two acknowledged writes.</summary>
    public TimeSpan LongestGap()
    {
        var times = _acknowledged.Select(a => a.At).Order().ToList();
        return times.Zip(times.Skip(1), (a, b) => b - a).DefaultIfEmpty().Max();
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

    private async Task WriteUntilStopped(string connectionString)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var started = _clock.Elapsed;
                await using var connection = new NpgsqlConnection(connectionString);
                _acknowledged.Enqueue((await PatroniLabStack.Scalar<long>(connection, $"INSERT INTO {Table} DEFAULT VALUES RETURNING id"), started, _clock.Elapsed));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
            }
            await Task.Delay(25);
        }
    }
}
