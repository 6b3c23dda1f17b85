using Docker.DotNet;
using Docker.DotNet.Models;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Swarm;

public sealed class DeployLockTests
{
    private const string Stack = "pg-lab";
    private static readonly string LockName = DeployLock.NameFor(Stack);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly DateTime OtherRunSince = new(2026, 11, 30, 11, 0, 0, DateTimeKind.Utc);

    private readonly Deploying _deploying = new();

    private FakeSwarm Swarm => _deploying.Swarm;

    private Task<DeployLock> Acquire(bool breakLock = false) =>
        DeployLock.AcquireAsync(Swarm, _deploying.Waiter, Stack, Wait, breakLock, _deploying.Report);

    private IReadOnlyList<string> Locks() => Swarm.ConfigNames().Where(n => n == LockName).ToList();

    [Fact]
    public async Task A_free_lock_is_taken_at_once_and_released_on_dispose()
    {
        await using (await _deploying.Clock.Run(Acquire()))
        {
            Assert.Single(Locks());
            Assert.Equal(TimeSpan.Zero, _deploying.Clock.Elapsed);
        }

        Assert.Empty(Locks());
        Assert.Empty(_deploying.Progress);
    }

    [Fact]
    public async Task A_lock_held_by_another_run_is_waited_for_and_then_fails_naming_the_holder()
    {
        Swarm.AddConfig(LockName, "GitHub Actions run 7", OtherRunSince);

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => _deploying.Clock.Run(Acquire()));

        Assert.Equal("pg-lab is locked by GitHub Actions run 7 since 2026-11-30 11:00:00Z; waited 30 s. If that run is gone, its lease runs out after its term and the next deploy takes it over", failure.Message);
        Assert.Equal(["waiting for the deploy lock of pg-lab, held by GitHub Actions run 7 since 2026-11-30 11:00:00Z"], _deploying.Progress);
        Assert.True(_deploying.Clock.Elapsed >= Wait);
    }

    [Fact]
    public async Task Two_runs_of_one_process_exclude_each_other_and_the_second_takes_the_lock_once_the_first_releases_it()
    {
        var first = await _deploying.Clock.Run(Acquire());
        var second = Acquire();

        Assert.False(second.IsCompleted);
        Assert.Equal([$"waiting for the deploy lock of pg-lab, held by {DeployLock.Holder()} since {TestClock.Start.UtcDateTime:u}"], _deploying.Progress);
        await first.DisposeAsync();
        await using (await _deploying.Clock.Run(second))
            Assert.Single(Locks());
        Assert.Empty(Locks());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_lock_created_by_another_run_between_our_look_and_our_create_counts_as_held(bool releasedLater)
    {
        SwarmConfig? theirs = null;
        Swarm.BeforeCreateConfig = spec =>
        {
            Swarm.BeforeCreateConfig = null;
            theirs = Swarm.AddConfig(spec.Name!, "GitHub Actions run 8", OtherRunSince);
        };

        var acquiring = Acquire();
        Assert.NotNull(theirs);
        Assert.False(acquiring.IsCompleted);
        if (releasedLater)
        {
            await Swarm.RemoveConfigAsync(theirs.ID, CancellationToken.None);
            await using (await _deploying.Clock.Run(acquiring))
                Assert.Single(Locks());
        }
        else
        {
            var failure = await Assert.ThrowsAsync<DeployFailedException>(() => _deploying.Clock.Run(acquiring));
            Assert.StartsWith("pg-lab is locked by GitHub Actions run 8 since 2026-11-30 11:00:00Z; waited 30 s", failure.Message);
        }
        Assert.Equal(["waiting for the deploy lock of pg-lab, held by GitHub Actions run 8 since 2026-11-30 11:00:00Z"], _deploying.Progress);
    }

    [Fact]
    public async Task Break_lock_takes_over_a_lock_left_by_a_run_that_died()
    {
        Swarm.AddConfig(LockName, "GitHub Actions run 9", OtherRunSince);

        await using (await _deploying.Clock.Run(Acquire(breakLock: true)))
        {
            Assert.Single(Locks());
            Assert.Equal(TimeSpan.Zero, _deploying.Clock.Elapsed);
        }

        Assert.Equal(["breaking the lock held by GitHub Actions run 9 since 2026-11-30 11:00:00Z"], _deploying.Progress);
        Assert.Empty(Locks());
    }

    private Task<DeployLock> AcquireAfter(TimeSpan delay, bool breakLock = false) =>
        _deploying.Clock.Run(Delayed(delay, breakLock));

    private async Task<DeployLock> Delayed(TimeSpan delay, bool breakLock)
    {
        await Task.Delay(delay, _deploying.Clock);
        return await Acquire(breakLock);
    }

    private static DockerApiException Unreachable() => new(System.Net.HttpStatusCode.BadRequest, """{"message":"runner frozen"}""");

    [Fact]
    public async Task A_live_lease_is_not_taken_even_with_break_lock_and_its_holder_is_named()
    {
        await using var held = await _deploying.Clock.Run(Acquire());

        var refused = await Assert.ThrowsAsync<DeployFailedException>(() => AcquireAfter(TimeSpan.FromSeconds(50), breakLock: true));

        // (how long ago it was renewed depends on when the renewal ran, which is not what this test is about)
        Assert.StartsWith($"pg-lab: {DeployLock.Holder()} since 2026-11-30 12:00:00Z holds a live lease, renewed ", refused.Message);
        Assert.EndsWith(" s ago (term 60 s); --break-lock takes only a lease whose term has run out, and the next run takes that one by itself", refused.Message);
        await held.EnsureHeldAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_lease_is_renewed_while_a_long_deploy_runs_and_stays_held()
    {
        await using var held = await _deploying.Clock.Run(Acquire());

        for (var step = 0; step < 60; step++) // ten minutes, in steps that let each renewal run before time moves on
            await _deploying.Clock.Run(Task.Delay(TimeSpan.FromSeconds(10), _deploying.Clock));

        var refused = await Assert.ThrowsAsync<DeployFailedException>(() => _deploying.Clock.Run(Acquire(breakLock: true)));

        Assert.Contains("holds a live lease, renewed ", refused.Message);
        await held.EnsureHeldAsync(CancellationToken.None);
        Assert.Single(Swarm.ConfigNames(), n => n.StartsWith("pg-lab_deploy_t", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lease_not_renewed_for_its_term_is_taken_over_naming_its_holder()
    {
        Swarm.AddConfig(LockName, "GitHub Actions run 7", TestClock.Start.UtcDateTime - TimeSpan.FromMinutes(2), leaseSeconds: 60);

        await using (await _deploying.Clock.Run(Acquire()))
            Assert.Single(Locks());

        Assert.Equal(["taking over the lease of GitHub Actions run 7 since 2026-11-30 11:58:00Z: not renewed for 120 s, its term is 60 s"], _deploying.Progress);
        Assert.Equal(TimeSpan.Zero, _deploying.Clock.Elapsed);
    }

    [Fact]
    public async Task A_holder_that_could_not_renew_loses_its_lease_to_the_next_run_and_knows_it()
    {
        var stalled = await _deploying.Clock.Run(Acquire());
        Swarm.Refuse = change => change.StartsWith("create config pg-lab_deploy_t", StringComparison.Ordinal) ? Unreachable() : null;

        var taker = await AcquireAfter(TimeSpan.FromSeconds(61));
        Swarm.Refuse = _ => null;

        Assert.Contains($"taking over the lease of {DeployLock.Holder()} since 2026-11-30 12:00:00Z: not renewed for 61 s, its term is 60 s", _deploying.Progress);
        var lost = await Assert.ThrowsAsync<DeployLockLostException>(() => stalled.EnsureHeldAsync(CancellationToken.None));
        Assert.Equal($"this run lost the deploy lock of pg-lab to {DeployLock.Holder()} since 2026-11-30 12:01:01Z", lost.Message);
        await stalled.DisposeAsync();
        Assert.Single(Locks());
        await taker.DisposeAsync();
        Assert.Empty(Swarm.ConfigNames());
    }

    [Fact]
    public async Task A_release_that_fails_after_a_failed_deploy_is_added_to_the_deploys_cause()
    {
        var held = await _deploying.Clock.Run(Acquire());
        Swarm.Refuse = change => change == "remove config " + LockName
            ? new Docker.DotNet.DockerApiException(System.Net.HttpStatusCode.ServiceUnavailable, """{"message":"manager unreachable"}""") : null;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() =>
            held.HoldWhileAsync<bool>(() => throw new DeployFailedException("deploy failed: updating pg-lab_primary: 400 invalid mount config")));

        Assert.Equal("deploy failed: updating pg-lab_primary: 400 invalid mount config\n  the deploy lock could not be released (503 manager unreachable); "
            + "it names this run as holder, and the next run takes it over once its term has run out", failure.Message);
        Assert.Single(Locks());
    }

    [Fact]
    public async Task A_deploy_that_succeeds_releases_the_lock_and_returns_its_outcome()
    {
        var held = await _deploying.Clock.Run(Acquire());

        Assert.Equal(42, await held.HoldWhileAsync(() => Task.FromResult(42)));
        Assert.Empty(Locks());
    }
}
