using System.Diagnostics;
using Spectre.Console;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// Switchover on the Patroni layout: under the stack's deploy lock, the leadership goes to the member asked for (else the
/// preferred one, else the best synchronous standby) when it streams and is caught up; the step waits until it leads
/// and every member is healthy again. A candidate that cannot take over is refused with why, before anything changes.
/// </summary>
public sealed class SwitchoverStep(ProjectLayout layout, IAnsiConsole console)
{
    /// <param name="to">The member to hand the leadership to; null: the preferred member, else the best synchronous standby.</param>
    /// <param name="then">Runs once the lock is released, on the environment and passwords the switchover used (the task runs Smoke).</param>
    public Task RunAsync(string environment, string? to, Func<EnvironmentDocument, SecretValues, Task>? then = null, CancellationToken cancellation = default) =>
        StepFailures.Translate(console, async () =>
        {
            var clock = Stopwatch.StartNew();
            void Progress(string line) => console.MarkupLine($"[grey]{clock.Elapsed.TotalSeconds,6:0.0}s[/] {Markup.Escape(line)}");
            using var target = await SwarmTarget.PrepareAsync(layout, console, environment, cancellation: cancellation);
            var spec = target.Environment.Spec;
            spec.PatroniCluster(); // the Patroni layout only: a classic environment is refused with why
            var deploy = spec.Deploy;
            var stackLock = await DeployLock.AcquireAsync(target.Docker, spec.Stack, TimeSpan.FromSeconds(deploy.LockTimeoutSeconds),
                breakExisting: false, Progress, cancellation, TimeSpan.FromSeconds(deploy.LockLeaseSeconds));
            var rollout = PatroniRollout.For(spec, new DockerSwarmApi(target.Docker), Waiting.Waiter.System, Progress, stackLock.EnsureHeldAsync);
            var leader = await stackLock.HoldWhileAsync(() => rollout.SwitchoverAsync(to, TimeSpan.FromSeconds(deploy.ConvergeTimeoutSeconds), cancellation));
            console.MarkupLine($"[green]switched over[/] {Markup.Escape(environment)}: {Markup.Escape(leader)} leads ({clock.Elapsed.TotalSeconds:0.0} s)");
            if (then is not null)
                await then(target.Environment, target.Secrets);
        });
}
