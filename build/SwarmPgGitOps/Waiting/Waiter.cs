using Polly;
using Polly.Retry;

namespace SwarmPgGitOps.Waiting;

/// <summary>Look every Interval (doubling up to MaxInterval when given) until the condition holds or Timeout has passed.</summary>
public sealed record PollSchedule(TimeSpan Timeout, TimeSpan Interval, TimeSpan? MaxInterval = null);

/// <summary>Retries after the first attempt, with delays doubling from FirstDelay up to MaxDelay.</summary>
public sealed record RetrySchedule(int MaxRetries, TimeSpan FirstDelay, TimeSpan MaxDelay);

/// <summary>What a poll saw last, whether that was what it waited for, and how long it took.</summary>
public sealed record Polled<T>(T Last, bool Done, TimeSpan Elapsed);

/// <summary>
/// The one way the pipeline waits: Polly retry pipelines on a <see cref="TimeProvider"/> (a fake one in tests), with
/// <see cref="TransientErrors"/> deciding which errors are worth another attempt.
/// </summary>
public sealed class Waiter(TimeProvider time)
{
    public static Waiter System { get; } = new(TimeProvider.System);

    public TimeProvider Time => time;

    /// <summary>
    /// Looks until <paramref name="done"/> holds or the schedule's timeout has passed; transient errors count as "not
    /// yet" (the last one is thrown if time runs out on it). The look is given the time elapsed so far, for progress.
    /// </summary>
    public async Task<Polled<T>> PollAsync<T>(Func<TimeSpan, CancellationToken, ValueTask<T>> look, Func<T, bool> done, PollSchedule schedule,
        CancellationToken cancellation = default)
    {
        var started = time.GetTimestamp();
        var pipeline = new ResiliencePipelineBuilder<T> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<T>
            {
                ShouldHandle = args => ValueTask.FromResult(time.GetElapsedTime(started) <= schedule.Timeout
                    && (args.Outcome.Exception is { } error ? TransientErrors.IsTransient(error) : !done(args.Outcome.Result!))),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = schedule.MaxInterval is null ? DelayBackoffType.Constant : DelayBackoffType.Exponential,
                Delay = schedule.Interval,
                MaxDelay = schedule.MaxInterval,
            })
            .Build();
        var last = await pipeline.ExecuteAsync(token => look(time.GetElapsedTime(started), token), cancellation);
        return new Polled<T>(last, done(last), time.GetElapsedTime(started));
    }

    /// <summary>Runs an action, again after a transient error, as often as the schedule allows.</summary>
    public ValueTask<T> RetryAsync<T>(Func<CancellationToken, ValueTask<T>> action, RetrySchedule schedule, CancellationToken cancellation = default) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(TransientErrors.IsTransient),
                MaxRetryAttempts = schedule.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = schedule.FirstDelay,
                MaxDelay = schedule.MaxDelay,
                UseJitter = true,
            })
            .Build()
            .ExecuteAsync(action, cancellation);
}
