using Spectre.Console;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// Smoke: checks a deployed environment's replication end to end and writes artifacts/&lt;env&gt;/smoke.json (and the
/// GitHub step summary when GITHUB_STEP_SUMMARY is set). Fails naming every failed check with its value.
/// </summary>
public sealed class SmokeStep(ProjectLayout layout, IAnsiConsole console, ConnectRetry? retry = null, Func<string, string?>? variable = null)
{
    private readonly Func<string, string?> _variable = variable ?? Environment.GetEnvironmentVariable;

    public Task<IReadOnlyList<SmokeReport>> RunAsync(string environments) =>
        StepFailures.Translate(console, async () =>
        {
            var reports = new List<SmokeReport>();
            var failed = new List<string>();
            foreach (var name in layout.SelectEnvironments(environments))
            {
                var loaded = EnvironmentLoader.Load(layout, name);
                var secrets = loaded.Value is { } document ? new SecretResolver(layout, _variable).Resolve(document) : null;
                if (loaded.Value is null || secrets?.Value is null)
                {
                    DiagnosticPrinter.Print(console, secrets?.Diagnostics ?? loaded.Diagnostics);
                    failed.Add($"{name}: cannot load the environment or its secrets");
                    continue;
                }
                var report = await CheckAsync(loaded.Value, secrets.Value);
                reports.Add(report);
                if (!report.Passed)
                    failed.Add(Failures(report));
            }
            FailIfAny(failed);
            return (IReadOnlyList<SmokeReport>)reports;
        });

    /// <summary>Smoke on an environment already loaded, with its passwords (after a deploy).</summary>
    public Task<SmokeReport> RunAsync(EnvironmentDocument environment, SecretValues secrets) =>
        StepFailures.Translate(console, async () =>
        {
            var report = await CheckAsync(environment, secrets);
            FailIfAny(report.Passed ? [] : [Failures(report)]);
            return report;
        });

    private async Task<SmokeReport> CheckAsync(EnvironmentDocument environment, SecretValues secrets)
    {
        var report = await new SmokeRunner(retry, _variable).RunAsync(environment, secrets);
        await PublishAsync(report);
        return report;
    }

    private static string Failures(SmokeReport report) =>
        $"{report.Environment}: {string.Join("; ", report.Failures.Select(f => f.Describe()))}";

    private static void FailIfAny(IReadOnlyList<string> failed)
    {
        if (failed.Count > 0)
            throw new PipelineFailedException($"smoke checks failed: {string.Join(" | ", failed)}");
    }

    private async Task PublishAsync(SmokeReport report)
    {
        SmokeOutput.Print(console, report);
        var directory = layout.ArtifactsFor(report.Environment);
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "smoke.json");
        await File.WriteAllTextAsync(json, SmokeOutput.ToJson(report));
        console.MarkupLine($"wrote {Markup.Escape(layout.Display(json))}");
        if (_variable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
            await File.AppendAllTextAsync(summary, SmokeOutput.ToMarkdown(report));
    }
}
