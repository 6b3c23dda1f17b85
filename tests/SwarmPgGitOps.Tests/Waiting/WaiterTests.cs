using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Npgsql;
using SwarmPgGitOps.Tests.Support;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Tests.Waiting;

public sealed class WaiterTests
{
    private static readonly PollSchedule EverySecondFor10 = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
    private readonly TestClock _clock = new();

    private Waiter Waiter => new(_clock);

    [Fact]
    public async Task A_poll_ends_at_the_first_look_that_satisfies_it_and_hands_each_look_the_time_so_far()
    {
        var seen = new List<TimeSpan>();

        var polled = await _clock.Run(Waiter.PollAsync((elapsed, _) => { seen.Add(elapsed); return ValueTask.FromResult(seen.Count); }, n => n == 3, EverySecondFor10));

        Assert.Equal((3, true), (polled.Last, polled.Done));
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], seen);
    }

    [Fact]
    public async Task A_poll_that_is_never_satisfied_returns_its_first_look_after_the_timeout()
    {
        var looks = 0;

        var polled = await _clock.Run(Waiter.PollAsync((_, _) => ValueTask.FromResult(++looks), _ => false, EverySecondFor10));

        Assert.False(polled.Done);
        Assert.Equal(12, polled.Last);
        Assert.Equal(TimeSpan.FromSeconds(11), polled.Elapsed);
    }

    [Fact]
    public async Task A_poll_with_a_growing_interval_doubles_it_up_to_the_limit()
    {
        var seen = new List<TimeSpan>();

        await _clock.Run(Waiter.PollAsync((elapsed, _) => { seen.Add(elapsed); return ValueTask.FromResult(seen.Count); }, n => n == 6,
            new PollSchedule(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500))));

        Assert.Equal([0, 100, 300, 700, 1200, 1700], seen.Select(s => (int)s.TotalMilliseconds));
    }

    [Fact]
    public async Task Transient_errors_during_a_poll_count_as_not_yet()
    {
        var looks = 0;

        var polled = await _clock.Run(Waiter.PollAsync((_, _) => ++looks < 3 ? throw new SocketException((int)SocketError.ConnectionRefused) : ValueTask.FromResult(true),
            seen => seen, EverySecondFor10));

        Assert.True(polled.Done);
        Assert.Equal(3, looks);
    }

    [Fact]
    public async Task A_transient_error_still_there_at_the_timeout_is_thrown()
    {
        await Assert.ThrowsAsync<TimeoutException>(() => _clock.Run(Waiter.PollAsync<bool>((_, _) => throw new TimeoutException(), seen => seen, EverySecondFor10)));

        Assert.True(_clock.Elapsed >= EverySecondFor10.Timeout);
    }

    [Fact]
    public async Task Any_other_error_ends_a_poll_at_once()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _clock.Run(Waiter.PollAsync<bool>((_, _) => throw new InvalidOperationException(), seen => seen, EverySecondFor10)));

        Assert.Equal(TimeSpan.Zero, _clock.Elapsed);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 4)]
    [InlineData(4, 4)]
    public async Task A_retry_repeats_an_action_after_transient_errors_as_often_as_its_schedule_allows(int failures, int expectedAttempts)
    {
        var attempts = 0;
        var retry = Waiter.RetryAsync(_ => ++attempts <= failures ? throw new IOException("connection reset") : ValueTask.FromResult(attempts),
            new RetrySchedule(3, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)));

        if (failures <= 3)
            Assert.Equal(expectedAttempts, await _clock.Run(retry.AsTask()));
        else
            await Assert.ThrowsAsync<IOException>(() => _clock.Run(retry.AsTask()));
        Assert.Equal(expectedAttempts, attempts);
    }

    [Fact]
    public async Task A_retry_does_not_repeat_an_action_that_failed_for_good()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<PostgresException>(() => _clock.Run(Waiter.RetryAsync<int>(_ => { attempts++; throw Postgres(PostgresErrorCodes.InvalidPassword); },
            new RetrySchedule(3, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1))).AsTask()));

        Assert.Equal(1, attempts);
    }

    public static TheoryData<string, bool> Errors => new()
    {
        { "socket refused", true },
        { "timeout", true },
        { "io", true },
        { "http request", true },
        { "http client timeout", true },
        { "caller cancelled", false },
        { "postgres starting up", true },
        { "postgres too many connections", true },
        { "postgres wrong password", false },
        { "npgsql connect failed", true },
        { "docker out of sequence", true },
        { "docker no leader (503)", true },
        { "docker bad gateway (502)", true },
        { "docker raft deadline exceeded (500)", true },
        { "docker no leader (500)", true },
        { "docker conflict (409)", false },
        { "docker not found (404)", false },
        { "docker internal error (500)", false },
        { "invalid operation", false },
    };

    private static Exception Error(string name) => name switch
    {
        "socket refused" => new SocketException((int)SocketError.ConnectionRefused),
        "timeout" => new TimeoutException(),
        "io" => new IOException("connection reset by peer"),
        "http request" => new HttpRequestException("Connection refused"),
        "http client timeout" => new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout", new TimeoutException()),
        "caller cancelled" => new OperationCanceledException(),
        "postgres starting up" => Postgres(PostgresErrorCodes.CannotConnectNow),
        "postgres too many connections" => Postgres(PostgresErrorCodes.TooManyConnections),
        "postgres wrong password" => Postgres(PostgresErrorCodes.InvalidPassword),
        "npgsql connect failed" => new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)),
        "docker out of sequence" => new DockerApiException(HttpStatusCode.InternalServerError, "rpc error: code = Unknown desc = update out of sequence"),
        "docker no leader (503)" => new DockerApiException(HttpStatusCode.ServiceUnavailable, "rpc error: code = Unavailable desc = The swarm does not have a leader"),
        "docker no leader (500)" => new DockerApiException(HttpStatusCode.InternalServerError,
            "{\"message\":\"rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online.\"}"),
        "docker bad gateway (502)" => new DockerApiException(HttpStatusCode.BadGateway, ""),
        "docker raft deadline exceeded (500)" => new DockerApiException(HttpStatusCode.InternalServerError,
            "{\"message\":\"rpc error: code = DeadlineExceeded desc = context deadline exceeded\"}"),
        "docker conflict (409)" => new DockerApiException(HttpStatusCode.Conflict, "name conflicts with an existing object"),
        "docker not found (404)" => new DockerApiException(HttpStatusCode.NotFound, "service not found"),
        "docker internal error (500)" => new DockerApiException(HttpStatusCode.InternalServerError, "invalid mount config"),
        _ => new InvalidOperationException(),
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void One_list_decides_which_errors_are_worth_another_attempt(string error, bool transient) =>
        Assert.Equal(transient, TransientErrors.IsTransient(Error(error)));

    private static PostgresException Postgres(string sqlState) => new("message", "FATAL", "FATAL", sqlState);
}
