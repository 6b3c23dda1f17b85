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
        var pending = new Pending(GetUtcNow() + dueTime);
        lock (_gate)
            _pending.Add(pending);
        var timer = _fake.CreateTimer(s =>
        {
            Forget(pending);
            callback(s);
        }, state, dueTime, period);
        return new Tracked(timer, () => Forget(pending));
    }

    /// <summary>Runs the work to its end, moving time to the next pending timer whenever the work waits.</summary>
    public async Task<T> Run<T>(Task<T> work)
    {
        while (!work.IsCompleted)
        {
            for (var i = 0; i < 50 && !work.IsCompleted; i++)
                await Task.Yield();
            DateTimeOffset? next;
            lock (_gate)
                next = _pending.Count == 0 ? null : _pending.Min(p => p.Due);
            if (next is { } due && !work.IsCompleted)
                _fake.Advance(due > GetUtcNow() ? due - GetUtcNow() : TimeSpan.Zero);
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

    private sealed record Pending(DateTimeOffset Due);

    private sealed class Tracked(ITimer timer, Action forget) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(dueTime, period);

        public void Dispose()
        {
            forget();
            timer.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            forget();
            return timer.DisposeAsync();
        }
    }
}
