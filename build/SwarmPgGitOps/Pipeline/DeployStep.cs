using System.Diagnostics;
using System.Runtime.InteropServices;
using Spectre.Console;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// Deploy: for each environment, in order (<see cref="EnvironmentSequence"/>), validate, render, preflight, take the
/// stack's lock, apply what changed, release the lock. Stops at the first environment that fails.
/// </summary>
public sealed class DeployStep(ProjectLayout layout, IAnsiConsole console)
{
    /// <param name="environments">A name, a comma-separated list, or `all`.</param>
    /// <param name="then">
    /// Runs once the lock is released, on the environment and passwords this deploy used (the Deploy task runs Smoke
    /// with it, so nothing is loaded twice); its failure is the environment's failure.
    /// </param>
    public Task<IReadOnlyList<DeployOutcome>> RunAsync(string environments, DeployOptions options,
        Func<EnvironmentDocument, SecretValues, Task>? then = null, CancellationToken cancellation = default) =>
        new EnvironmentSequence(layout, console).RunAsync(environments, "deployed", stopAtFirstFailure: true,
            environment => RunOneAsync(environment, options, then, cancellation));

    private Task<DeployOutcome> RunOneAsync(string environment, DeployOptions options, Func<EnvironmentDocument, SecretValues, Task>? then,
        CancellationToken cancellation) =>
        StepFailures.Translate(console, async () =>
        {
            var clock = Stopwatch.StartNew();
            using var target = await SwarmTarget.PrepareAsync(layout, console, environment, cancellation: cancellation);
            var outcome = await DeployAsync(target, environment, options, clock, cancellation);
            if (then is not null)
                await then(target.Environment, target.Secrets);
            return outcome;
        });

    private async Task<DeployOutcome> DeployAsync(SwarmTarget target, string environment, DeployOptions options, Stopwatch clock, CancellationToken cancellation)
    {
        var deploy = target.Environment.Spec.Deploy;
        void Progress(string line) => console.MarkupLine($"[grey]{clock.Elapsed.TotalSeconds,6:0.0}s[/] {Markup.Escape(line)}");

        // A CI cancel (SIGTERM) or Ctrl-C (SIGINT) cancels the deploy instead of killing the process: what this run
        // changed is rolled back and the lock released before the process ends.
        using var stopped = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopDeploying);
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopDeploying);
        void StopDeploying(PosixSignalContext signal)
        {
            signal.Cancel = true;
            Progress($"{signal.Signal}: cancelling the deploy, rolling back what it changed and releasing the lock");
            stopped.Cancel();
        }
        cancellation = stopped.Token;

        var stackLock = await DeployLock.AcquireAsync(target.Docker, target.Desired.Stack,
            TimeSpan.FromSeconds(deploy.LockTimeoutSeconds), options.BreakLock, Progress, cancellation, TimeSpan.FromSeconds(deploy.LockLeaseSeconds));
        var docker = new DockerSwarmApi(target.Docker);
        var patroni = EnvironmentLayouts.Of(target.Environment.Spec) == EnvironmentLayout.Patroni;
        // Patroni manages synchronous replication itself; the classic layout's primary is told by Deploy.
        IRollout? rollout = patroni ? PatroniRollout.For(target.Environment.Spec, docker, Waiting.Waiter.System, Progress, stackLock.EnsureHeldAsync,
            LeaderRolePasswords.For(target.Environment, target.Secrets, docker), target.Secrets) : null;
        ISynchronousReplication? synchronous = patroni ? null : new Postgres.SynchronousStandbySwitch(target.Environment, target.Secrets);
        var outcome = await stackLock.HoldWhileAsync(() => new SwarmDeployer(docker, Waiting.Waiter.System, Progress, rollout, synchronous)
            .DeployAsync(target.Desired, TimeSpan.FromSeconds(deploy.ConvergeTimeoutSeconds), options, cancellation, stackLock.EnsureHeldAsync));

        if (options.Prune && rollout is null)
        {
            foreach (var slot in await new Replication.StraySlotPruner().PruneAsync(target.Environment, target.Secrets, cancellation))
                Progress($"dropped replication slot {slot}: no replica of {environment} owns it (--prune)");
        }

        PlanPrinter.Print(console, outcome.Plan);
        console.MarkupLine(outcome.Plan.HasChanges
            ? $"[green]deployed[/] {Markup.Escape(environment)} in {clock.Elapsed.TotalSeconds:0.0} s: {outcome.Created.Count} service(s) created, {outcome.Updated.Count} updated, {outcome.Removed.Count} removed"
            : $"[green]no change[/] {Markup.Escape(environment)} is as git says ({clock.Elapsed.TotalSeconds:0.0} s)");
        return outcome;
    }
}
