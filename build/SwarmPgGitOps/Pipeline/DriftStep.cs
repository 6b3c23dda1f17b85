using Spectre.Console;
using SwarmPgGitOps.Drift;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Secrets;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// Drift: compares the live cluster with what git renders, prints the differences and writes artifacts/&lt;env&gt;/drift.json.
/// Exit code 0 in sync, 2 drifted, 1 when drift could not be checked. Changes nothing.
/// </summary>
public sealed class DriftStep(ProjectLayout layout, IAnsiConsole console, Func<string, string?>? variable = null, ConnectRetry? retry = null)
{
    public const int DriftedExitCode = 2;

    private readonly Func<string, string?> _variable = variable ?? Environment.GetEnvironmentVariable;

    public IReadOnlyList<DriftReport> Run(string environments)
    {
        var reports = Check(environments, (_, _) => { });
        FailIfDrifted(reports);
        return reports;
    }

    /// <summary>Checks each environment and hands its report to <paramref name="then"/>; fails with exit code 1 after all if any failed.</summary>
    public IReadOnlyList<DriftReport> Check(string environments, Action<DriftReport, string> then)
    {
        var reports = new List<DriftReport>();
        var errors = new List<string>();
        foreach (var name in layout.SelectEnvironments(environments))
        {
            try
            {
                var report = CheckAsync(name).GetAwaiter().GetResult();
                reports.Add(report);
                then(report, name);
            }
            catch (PipelineFailedException e)
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

    public async Task<DriftReport> CheckAsync(string environment, CancellationToken cancellation = default)
    {
        var checkedAt = DateTimeOffset.UtcNow;
        using var target = await SwarmTarget.PrepareAsync(layout, console, environment, _variable, cancellation);

        var directory = layout.ArtifactsFor(environment);
        var renderedHba = await File.ReadAllTextAsync(Path.Combine(directory, "pg_hba.conf"), cancellation);
        var report = await new DriftDetector(_variable, retry).DetectAsync(target.Environment, layout.Display(layout.EnvironmentFile(environment)),
            target.Desired, target.Docker, target.Secrets, renderedHba, cancellation);

        DriftOutput.Print(console, report, target.Desired.Stack);
        var json = Path.Combine(directory, "drift.json");
        await File.WriteAllTextAsync(json, DriftOutput.ToJson(report, target.Desired.Stack, checkedAt), cancellation);
        console.MarkupLine($"wrote {Markup.Escape(layout.Display(json))}");
        return report;
    }
}
