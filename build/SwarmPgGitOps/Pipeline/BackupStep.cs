using System.Diagnostics;
using Spectre.Console;
using SwarmPgGitOps.Backup;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// Backup (backup configured): under the stack's deploy lock, so that no member restarts under it, pgBackRest backs the
/// leader up into the repository (full, diff or incr), expiring what retention no longer keeps. Prints, and in GitHub
/// Actions adds to the job summary, what the repository holds afterwards.
/// </summary>
public sealed class BackupStep(ProjectLayout layout, IAnsiConsole console, Func<string, string?>? variable = null)
{
    public static readonly IReadOnlyList<string> Types = ["full", "diff", "incr"];

    private readonly Func<string, string?> _variable = variable ?? Environment.GetEnvironmentVariable;

    public Task RunAsync(string environment, string type, CancellationToken cancellation = default) =>
        StepFailures.Translate(console, async () =>
        {
            if (!Types.Contains(type))
                throw new BackupFailedException($"--type={type} is not a backup type (hint: full, diff or incr; diff and incr build on the newest full backup)");
            var clock = Stopwatch.StartNew();
            void Progress(string line) => console.MarkupLine($"[grey]{clock.Elapsed.TotalSeconds,6:0.0}s[/] {Markup.Escape(line)}");
            using var target = await SwarmTarget.PrepareAsync(layout, console, environment, cancellation: cancellation);
            var spec = target.Environment.Spec;
            spec.PatroniCluster();
            BackupRepository.Require(target.Environment);
            var deploy = spec.Deploy;
            var stackLock = await DeployLock.AcquireAsync(target.Docker, spec.Stack, TimeSpan.FromSeconds(deploy.LockTimeoutSeconds),
                breakExisting: false, Progress, cancellation, TimeSpan.FromSeconds(deploy.LockLeaseSeconds));
            var repository = BackupRepository.For(spec, new DockerSwarmApi(target.Docker), Waiting.Waiter.System);
            Progress($"{type} backup of {spec.Stack} into its repository");
            var run = await stackLock.HoldWhileAsync(() => repository.BackupAsync(type, TimeSpan.FromSeconds(deploy.ConvergeTimeoutSeconds * 4),
                Waiting.ElapsedProgress.Every(TimeSpan.FromSeconds(15), "backing up", Progress), cancellation));
            if (!run.Job.Succeeded)
                throw new BackupFailedException($"the {type} backup of {environment} failed: {run.Problem} (hint: Smoke's backup checks name what is unreachable)");
            var summary = BackupSummary.Markdown(environment, run.Info);
            console.Write(new Text(BackupSummary.Text(run.Info) + "\n"));
            var own = PgBackRestLog.Took(run.Job.Stderr + run.Job.Stdout, "backup") is { } took ? $" (pgBackRest's backup command {took.TotalSeconds:0.00} s)" : "";
            console.MarkupLine($"[green]backed up[/] {Markup.Escape(environment)} in {clock.Elapsed.TotalSeconds:0.0} s{Markup.Escape(own)}");
            if (_variable("GITHUB_STEP_SUMMARY") is { Length: > 0 } file)
                await File.AppendAllTextAsync(file, summary, cancellation);
        });
}
