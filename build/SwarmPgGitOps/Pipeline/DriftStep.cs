using SwarmPgGitOps.Waiting;
using Spectre.Console;
using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Drift;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Topology;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// Drift: compares the live cluster with what git renders, prints the differences and writes artifacts/&lt;env&gt;/drift.json.
/// Exit code 0 in sync, 2 drifted, 1 when drift could not be checked. Changes nothing.
/// </summary>
public sealed class DriftStep(ProjectLayout layout, IAnsiConsole console, Func<string, string?>? variable = null, RetrySchedule? retry = null)
{
    public const int DriftedExitCode = 2;

    /// <summary>The live topology Drift draws: artifacts/&lt;env&gt;/topology-drift.md.</summary>
    public const string TopologyFile = "topology-drift.md";

    private readonly Func<string, string?> _variable = variable ?? Environment.GetEnvironmentVariable;

    public Task<IReadOnlyList<DriftReport>> RunAsync(string environments) =>
        StepFailures.Translate(console, async () =>
        {
            var reports = await CheckAsync(environments, (_, _) => Task.CompletedTask);
            FailIfDrifted(reports);
            return reports;
        });

    /// <summary>
    /// Checks each environment and hands its report to <paramref name="then"/>; an environment that could not be checked
    /// (or whose <paramref name="then"/> failed) is named, the others go on, and the step fails with exit code 1 after all.
    /// </summary>
    public async Task<IReadOnlyList<DriftReport>> CheckAsync(string environments, Func<DriftReport, string, Task> then)
    {
        var reports = new List<DriftReport>();
        var errors = new List<string>();
        foreach (var name in layout.SelectEnvironments(environments))
        {
            try
            {
                var report = await CheckEnvironmentAsync(name);
                reports.Add(report);
                await then(report, name);
            }
            catch (Exception e) when (e is PipelineFailedException or ActionableException)
            {
                console.MarkupLine($"[red]drift of {Markup.Escape(name)} failed: {Markup.Escape(e.Message)}[/]");
                errors.Add($"{name}: {e.Message}");
            }
        }
        if (errors.Count > 0)
            throw new PipelineFailedException($"drift failed: {string.Join(" | ", errors)}");
        return reports;
    }

    public static void FailIfDrifted(IReadOnlyList<DriftReport> reports)
    {
        var drifted = reports.Where(r => !r.InSync).ToList();
        if (drifted.Count > 0)
            throw new PipelineFailedException($"drift: {string.Join(", ", drifted.Select(r => $"{r.Environment} ({r.Items.Count} difference(s))"))}", DriftedExitCode);
    }

    private async Task<DriftReport> CheckEnvironmentAsync(string environment, CancellationToken cancellation = default)
    {
        var checkedAt = DateTimeOffset.UtcNow;
        using var target = await SwarmTarget.PrepareAsync(layout, console, environment, _variable, cancellation);

        var report = await new DriftDetector(_variable, retry).DetectAsync(target.Environment, layout.Display(layout.EnvironmentFile(environment)),
            target.Desired, target.Docker, target.Secrets, target.Rendered.File("pg_hba.conf").Content, cancellation);

        DriftOutput.Print(console, report, target.Desired.Stack);
        var json = Path.Combine(layout.ArtifactsFor(environment), "drift.json");
        await File.WriteAllTextAsync(json, DriftOutput.ToJson(report, target.Desired.Stack, checkedAt), cancellation);
        console.MarkupLine($"wrote {Markup.Escape(layout.Display(json))}");
        var topology = ClusterTopology.From(target.Environment);
        await new LiveTopologyPublisher(layout, console, _variable).PublishAsync(topology, DriftObservation.From(report, topology, checkedAt), TopologyFile,
            $"### Drift: {report.Environment} ({(report.InSync ? "in sync" : $"{report.Items.Count} difference(s), listed in drift.json")})\n\n");
        return report;
    }
}
