using System.Diagnostics;
using System.Text;
using Spectre.Console;
using SwarmPgGitOps.Backup;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// RestoreDrill: restores the newest backup into a scratch task on the swarm, replays it to a restore point made for the
/// drill, verifies the copy (<see cref="RestoreDrill"/>), prints what it verified and how long each phase took (also in
/// the GitHub job summary), and removes the scratch task. Fails when any verification fails.
/// </summary>
public sealed class RestoreDrillStep(ProjectLayout layout, IAnsiConsole console, Func<string, string?>? variable = null)
{
    private readonly Func<string, string?> _variable = variable ?? Environment.GetEnvironmentVariable;

    public Task<DrillReport> RunAsync(string environment, CancellationToken cancellation = default) =>
        StepFailures.Translate(console, async () =>
        {
            var clock = Stopwatch.StartNew();
            void Progress(string line) => console.MarkupLine($"[grey]{clock.Elapsed.TotalSeconds,6:0.0}s[/] {Markup.Escape(line)}");
            using var target = await SwarmTarget.PrepareAsync(layout, console, environment, _variable, cancellation);
            var document = target.Environment;
            var spec = document.Spec;
            BackupRepository.Require(document);
            var api = new DockerSwarmApi(target.Docker);
            var leaderName = (await PatroniCtl.For(spec, api).ListAsync(cancellation)).Leader?.Name
                ?? throw new BackupFailedException($"no member of {environment} leads, so no restore point can be written (hint: run Smoke)");
            var leaderTarget = (await new TargetResolver(_variable).ResolveAsync(document, cancellation)).Single(t => t.Name == leaderName);
            await using var connector = PostgresConnector.For("restore-drill", document, target.Secrets, _variable);
            await using var leader = await connector.OpenAsync(leaderTarget, cancellation);

            var report = await new RestoreDrill(api, Waiting.Waiter.System, Progress).RunAsync(spec, leader, TimeSpan.FromSeconds(spec.Deploy.ConvergeTimeoutSeconds * 4), cancellation);
            Print(environment, report, clock.Elapsed);
            if (_variable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
                await File.AppendAllTextAsync(summary, Markdown(environment, report, clock.Elapsed), cancellation);
            if (!report.Passed)
                throw new BackupFailedException($"the restore drill of {environment} failed: {string.Join("; ", report.Checks.Where(c => !c.Passed).Select(c => $"{c.Name}: expected {c.Expected}, restored {c.Restored}"))}");
            return report;
        });

    private void Print(string environment, DrillReport report, TimeSpan total)
    {
        var checks = new Table().AddColumns("verified", "live cluster at the restore point", "restored copy", "");
        foreach (var check in report.Checks)
            checks.AddRow(Markup.Escape(check.Name), Markup.Escape(check.Expected), Markup.Escape(check.Restored), check.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
        console.Write(checks);
        var phases = new Table().AddColumns("phase", "took");
        foreach (var (phase, took) in report.Phases)
            phases.AddRow(Markup.Escape(phase), $"{took.TotalSeconds:0.0} s");
        console.Write(phases);
        console.MarkupLine(report.Passed
            ? $"[green]restore drill {Markup.Escape(environment)}: passed[/], restored to {Markup.Escape(report.RestorePoint)}, {report.Checks.Count} checks in {total.TotalSeconds:0.0} s"
            : $"[red]restore drill {Markup.Escape(environment)}: FAILED[/]");
    }

    private static string Markdown(string environment, DrillReport report, TimeSpan total)
    {
        var text = new StringBuilder();
        text.Append($"### Restore drill of {environment}: {(report.Passed ? "passed" : "FAILED")}\n\nRestored to `{report.RestorePoint}` in {total.TotalSeconds:0.0} s.\n\n");
        text.Append("| verified | live cluster at the restore point | restored copy | |\n|---|---|---|---|\n");
        foreach (var check in report.Checks)
            text.Append($"| {check.Name} | {check.Expected} | {check.Restored} | {(check.Passed ? "pass" : "**FAIL**")} |\n");
        text.Append("\n| phase | took |\n|---|---|\n");
        foreach (var (phase, took) in report.Phases)
            text.Append($"| {phase} | {took.TotalSeconds:0.0} s |\n");
        return text.Append('\n').ToString();
    }
}
