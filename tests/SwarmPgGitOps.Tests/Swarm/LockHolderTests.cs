using SwarmPgGitOps.Swarm;
using static SwarmPgGitOps.Tests.Swarm.Deploying;

namespace SwarmPgGitOps.Tests.Swarm;

/// <summary>A deploy holding its stack's lock: it stops when the lock is taken from it, and a cancel rolls back and releases.</summary>
public sealed class LockHolderTests
{
    private const string Next = "swarm-pg/postgres:15-next";
    private static readonly string LockName = DeployLock.NameFor("pg-lab");

    private readonly Deploying _deploying = new();

    /// <summary>Deploys the lab stack holding the lock, doing <paramref name="onProgress"/> at each progress line, as DeployStep does.</summary>
    private async Task<DeployOutcome> DeployHoldingTheLock(DesiredStack desired, Action<string> onProgress, CancellationToken cancellation = default,
        TimeSpan? convergeTimeout = null)
    {
        var held = await _deploying.Clock.Run(DeployLock.AcquireAsync(_deploying.Swarm, _deploying.Waiter, "pg-lab", TimeSpan.FromSeconds(30), false, _deploying.Report));
        return await _deploying.Clock.Run(held.HoldWhileAsync(() => new SwarmDeployer(_deploying.Swarm, _deploying.Waiter, line =>
        {
            _deploying.Report(line);
            onProgress(line);
        }).DeployAsync(desired, convergeTimeout ?? ConvergeTimeout, new DeployOptions(), cancellation, held.EnsureHeldAsync)));
    }

    [Fact]
    public async Task A_run_whose_lock_was_taken_stops_before_its_next_change_and_changes_nothing_more()
    {
        await _deploying.Deployed();
        void BreakLockOnce(string line)
        {
            if (line == $"{Primary} converged")
                TakeTheLock();
        }

        var failure = await Assert.ThrowsAsync<DeployLockLostException>(() => DeployHoldingTheLock(Desired(Image(Next, "primary", "replica1", "replica2")), BreakLockOnce));

        Assert.Equal($"deploy stopped before updating {Replica1}: this run lost the deploy lock of pg-lab to GitHub Actions run 10 since 2026-11-30 12:00:00Z; "
            + $"what this run changed is left to the new holder (updated {Primary})", failure.Message);
        Assert.Equal(["update " + Primary, "running " + Primary], _deploying.ServiceJournal());
        Assert.Single(_deploying.Swarm.ConfigNames(), LockName);
    }

    [Fact]
    public async Task A_rollback_stops_when_the_lock_was_taken_meanwhile()
    {
        await _deploying.Deployed();
        _deploying.Swarm.Fate = (service, spec) => service == Replica1 && IsNext(spec) ? TaskFate.Fails : TaskFate.Runs;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => DeployHoldingTheLock(Desired(Image(Next, "primary", "replica1")), line =>
        {
            if (line == $"rolling {Replica1} back to its previous spec")
                TakeTheLock();
        }));

        Assert.StartsWith($"deploy failed: {Replica1}: 3 tasks failed\n  task error: task: non-zero exit (1)\n  rolled back: {Replica1}\n"
            + $"  rollback failed: stopped before {Primary}: this run lost the deploy lock of pg-lab to GitHub Actions run 10 since 2026-11-30 12:00:00Z\n", failure.Message);
        Assert.True(IsNext(_deploying.Swarm.SpecOf(Primary)));
    }

    [Fact]
    public async Task A_run_that_cannot_renew_its_lease_loses_it_to_a_waiting_run_after_its_term_and_changes_nothing_more()
    {
        await _deploying.Deployed();
        Task<DeployLock>? waiting = null;
        // the first run is cut off from the swarm for its renewals until the waiting run has taken over
        _deploying.Swarm.Refuse = change => change.StartsWith("create config pg-lab_deploy_t", StringComparison.Ordinal) && waiting?.IsCompleted != true
            ? new Docker.DotNet.DockerApiException(System.Net.HttpStatusCode.BadRequest, """{"message":"runner cut off"}""") : null;
        _deploying.Swarm.Fate = (service, spec) => service == Replica1 && IsNext(spec) ? TaskFate.Hangs : TaskFate.Runs;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => DeployHoldingTheLock(Desired(Image(Next, "primary", "replica1")), line =>
        {
            if (line == $"{Primary} converged")
                waiting = DeployLock.AcquireAsync(_deploying.Swarm, _deploying.Waiter, "pg-lab", TimeSpan.FromMinutes(5), false, _deploying.Report);
        }, convergeTimeout: TimeSpan.FromSeconds(120)));

        Assert.StartsWith($"deploy failed: {Replica1}: not converged after 120 s (0/1 running)\n  rollback failed: stopped before {Replica1}: "
            + $"this run lost the deploy lock of pg-lab to {DeployLock.Holder()} since ", failure.Message);
        Assert.Contains(_deploying.Progress, p => p.StartsWith($"taking over the lease of {DeployLock.Holder()} since 2026-11-30 12:00:00Z: not renewed for ", StringComparison.Ordinal));
        Assert.Equal(["update " + Primary, "running " + Primary, "update " + Replica1], _deploying.ServiceJournal());
        await using var taker = await _deploying.Clock.Run(waiting!);
        await taker.EnsureHeldAsync(CancellationToken.None);
    }

    private void TakeTheLock()
    {
        var ours = _deploying.Swarm.ListConfigsAsync(CancellationToken.None).Result.Single(c => c.Spec.Name == LockName);
        _deploying.Swarm.RemoveConfigAsync(ours.ID, CancellationToken.None).Wait();
        _deploying.Swarm.AddConfig(LockName, "GitHub Actions run 10", Support.TestClock.Start.UtcDateTime);
    }

    [Fact]
    public async Task A_cancel_mid_deploy_rolls_back_what_the_run_changed_and_releases_the_lock()
    {
        await _deploying.Deployed();
        var before = ImageOf(_deploying.Swarm.SpecOf(Primary));
        using var cancel = new CancellationTokenSource();

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => DeployHoldingTheLock(Desired(Image(Next, "primary", "replica1", "replica2")),
            line => { if (line == $"{Primary} converged") cancel.Cancel(); }, cancel.Token));

        Assert.Equal($"deploy failed: updating {Replica1}: cancelled\n  rolled back: {Primary}", failure.Message);
        Assert.Equal(["update " + Primary, "running " + Primary, "update " + Primary, "running " + Primary], _deploying.ServiceJournal());
        Assert.Equal(before, ImageOf(_deploying.Swarm.SpecOf(Primary)));
        Assert.DoesNotContain(LockName, _deploying.Swarm.ConfigNames());
    }
}
