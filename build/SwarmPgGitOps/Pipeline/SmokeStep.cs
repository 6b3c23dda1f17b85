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

    public IReadOnlyList<SmokeReport> Run(string environments)
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
            var report = new SmokeRunner(retry, _variable).RunAsync(loaded.Value, secrets.Value).GetAwaiter().GetResult();
            reports.Add(report);
            Publish(report);
            if (!report.Passed)
                failed.Add($"{name}: {string.Join("; ", report.Failures.Select(f => f.Describe()))}");
        }
        if (failed.Count > 0)
            throw new PipelineFailedException($"smoke checks failed: {string.Join(" | ", failed)}");
        return reports;
    }

    private void Publish(SmokeReport report)
    {
        SmokeOutput.Print(console, report);
        var directory = layout.ArtifactsFor(report.Environment);
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "smoke.json");
        File.WriteAllText(json, SmokeOutput.ToJson(report));
        console.MarkupLine($"wrote {Markup.Escape(layout.Display(json))}");
        if (_variable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
            File.AppendAllText(summary, SmokeOutput.ToMarkdown(report));
    }
}
