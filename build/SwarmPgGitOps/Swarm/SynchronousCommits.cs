using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Swarm;

/// <summary>
/// Keeps commits on the primary flowing while a deploy updates its synchronous replicas: suspends synchronous replication
/// before a wave that would leave no synchronous replica streaming (<see cref="SynchronousSuspension"/>), and puts it back
/// once an updated synchronous replica streams again, saying for how long commits had no synchronous copy. After a failure
/// it is put back too, and what went wrong doing so is returned rather than thrown, so the first cause stays the error.
/// </summary>
public sealed class SynchronousCommits(ISynchronousReplication replication, Waiter waiter, Action<string> progress)
{
    private static readonly TimeSpan StreamingPoll = TimeSpan.FromMilliseconds(500);
    private long? _suspendedAt;

    public bool Suspended => _suspendedAt is not null;

    /// <param name="wave">The replicas the next wave updates, by service name.</param>
    /// <param name="later">The replicas the waves after it update.</param>
    public async Task BeforeWaveAsync(IReadOnlyList<string> wave, IReadOnlyList<string> later, CancellationToken cancellation)
    {
        var synchronous = replication.SynchronousSlots;
        if (Suspended || wave.Count == 0 || !wave.Concat(later).Any(synchronous.ContainsKey))
            return;
        var streaming = await replication.StreamingAsync(cancellation);
        if (!SynchronousSuspension.IsNeeded(synchronous, wave, later, streaming))
            return;
        var updating = wave.Concat(later).First(synchronous.ContainsKey);
        progress($"suspending synchronous replication on the primary before updating {string.Join(", ", wave)}: no other synchronous replica streams, "
            + $"so commits are acknowledged without a synchronous copy until {updating} streams again");
        // Marked first: a suspension that failed halfway is still put back.
        _suspendedAt = waiter.Time.GetTimestamp();
        await replication.SuspendAsync(cancellation);
    }

    /// <summary>
    /// After a wave converged: waits (up to <paramref name="timeout"/>) until a synchronous replica it updated streams again,
    /// then restores synchronous replication unless the next wave needs it suspended.
    /// </summary>
    public async Task AfterWaveAsync(IReadOnlyList<string> wave, IReadOnlyList<string> next, IReadOnlyList<string> later, TimeSpan timeout,
        CancellationToken cancellation)
    {
        var synchronous = replication.SynchronousSlots;
        var slots = wave.Where(synchronous.ContainsKey).Select(s => synchronous[s]).ToList();
        if (!Suspended || slots.Count == 0)
            return;
        var polled = await waiter.PollAsync(async (_, token) => await replication.StreamingAsync(token), streaming => slots.Any(streaming.Contains),
            new PollSchedule(timeout, StreamingPoll), cancellation);
        if (!polled.Done)
            progress($"{string.Join(", ", wave)} does not stream from the primary after {timeout.TotalSeconds:0} s; once synchronous replication is back, commits wait until a synchronous replica streams");
        else if (SynchronousSuspension.IsNeeded(synchronous, next, later, polled.Last))
            return;
        await RestoreAsync(cancellation);
    }

    public async Task RestoreAsync(CancellationToken cancellation)
    {
        if (_suspendedAt is not { } since)
            return;
        await replication.RestoreAsync(cancellation);
        _suspendedAt = null;
        progress($"restored synchronous replication on the primary: commits had no synchronous copy for {waiter.Time.GetElapsedTime(since).TotalSeconds:0.0} s");
    }

    /// <summary>Puts synchronous replication back after a failure, even when the deploy was cancelled; returns what went wrong, if anything.</summary>
    public async Task<string?> RestoreAfterFailureAsync()
    {
        try
        {
            await RestoreAsync(CancellationToken.None);
            return null;
        }
        catch (Exception e)
        {
            _suspendedAt = null;
            return $"synchronous replication on the primary is still suspended ({e.Message}): run ALTER SYSTEM RESET synchronous_standby_names; SELECT pg_reload_conf(); on the primary";
        }
    }
}
