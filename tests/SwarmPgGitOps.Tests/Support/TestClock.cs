using Microsoft.Extensions.Time.Testing;

namespace SwarmPgGitOps.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows its pending timers, so that a test can run waiting code to its end by
/// moving time straight to the next timer each time the code waits, without any real sleep.
/// </summary>
public sealed class TestClock : TimeProvider
{
    public static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _fake = new(Start);
    private readonly Lock _gate = new();
    private readonly List<Pending> _pending = [];

    public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

    public override long GetTimestamp() => _fake.GetTimestamp();

    public override long TimestampFrequency => _fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public TimeSpan Elapsed => GetUtcNow() - Start;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Under the gate, so that time cannot move between reading it here and the fake reading it for the timer.
        lock (_gate)
        {
            var pending = new Pending();
            var timer = _fake.CreateTimer(s =>
            {
                Forget(pending);
                callback(s);
            }, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            var tracked = new Tracked(this, timer, pending);
            tracked.Change(dueTime, period);
            return tracked;
        }
    }

    /// <summary>Runs the work to its end, moving time to the next pending timer whenever the work waits.</summary>
    public async Task<T> Run<T>(Task<T> work)
    {
        while (!work.IsCompleted)
        {
            for (var i = 0; i < 50 && !work.IsCompleted; i++)
                await Task.Yield();
            // On a loaded machine the work's continuations may not have run within the yields: a moment of real time lets
            // them reach their next wait before time moves (seen: a lease's renewals overtaken, so the lease looked stale).
            if (!work.IsCompleted)
                await Task.Delay(1);
            lock (_gate)
            {
                var next = _pending.Count == 0 ? (DateTimeOffset?)null : _pending.Min(p => p.Due);
                if (next is { } due && !work.IsCompleted)
                    _fake.Advance(due > GetUtcNow() ? due - GetUtcNow() : TimeSpan.FromMilliseconds(1));
            }
        }
        return await work;
    }

    public async Task Run(Task work) => await Run(Completed(work));

    private static async Task<bool> Completed(Task work)
    {
        await work;
        return true;
    }

    private void Forget(Pending pending)
    {
        lock (_gate)
            _pending.Remove(pending);
    }

    private void Schedule(Pending pending, TimeSpan dueTime)
    {
        lock (_gate)
        {
            _pending.Remove(pending);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                pending.Due = GetUtcNow() + dueTime;
                _pending.Add(pending);
            }
        }
    }

    private sealed class Pending
    {
        public DateTimeOffset Due { get; set; }
    }

    private sealed class Tracked(TestClock clock, ITimer timer, Pending pending) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                clock.Schedule(pending, dueTime);
                return timer.Change(dueTime, period);
            }
        }

        public void Dispose()
        {
            clock.Forget(pending);
            timer.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            clock.Forget(pending);
            return timer.DisposeAsync();
        }
    }
}
