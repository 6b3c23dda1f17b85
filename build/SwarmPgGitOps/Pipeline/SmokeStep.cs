using SwarmPgGitOps.Waiting;
using Spectre.Console;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Topology;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// Smoke: checks a deployed environment's replication end to end and writes artifacts/&lt;env&gt;/smoke.json (and the
/// GitHub step summary when GITHUB_STEP_SUMMARY is set). Fails naming every failed check with its value.
/// </summary>
public sealed class SmokeStep(ProjectLayout layout, IAnsiConsole console, RetrySchedule? retry = null, Func<string, string?>? variable = null)
{
    private readonly Func<string, string?> _variable = variable ?? Environment.GetEnvironmentVariable;

    /// <param name="environments">A name, a comma-separated list, or `all`; each is checked, and the step fails after all when one failed.</param>
    public Task<IReadOnlyList<SmokeReport>> RunAsync(string environments) =>
        new EnvironmentSequence(layout, console).RunAsync(environments, "passed", stopAtFirstFailure: false, name =>
        {
            var loaded = EnvironmentLoader.Load(layout, name);
            var secrets = loaded.Value is { } document ? new SecretResolver(layout, _variable).Resolve(document) : null;
            if (loaded.Value is null || secrets?.Value is null)
            {
                DiagnosticPrinter.Print(console, secrets?.Diagnostics ?? loaded.Diagnostics);
                throw new PipelineFailedException("cannot load the environment or its secrets");
            }
            return RunAsync(loaded.Value, secrets.Value);
        });

    /// <summary>Smoke on an environment already loaded, with its passwords (after a deploy).</summary>
    public Task<SmokeReport> RunAsync(EnvironmentDocument environment, SecretValues secrets) =>
        StepFailures.Translate(console, async () =>
        {
            var report = await CheckAsync(environment, secrets);
            if (!report.Passed)
                throw new PipelineFailedException($"smoke checks failed: {string.Join("; ", report.Failures.Select(f => f.Describe()))}");
            return report;
        });

    private async Task<SmokeReport> CheckAsync(EnvironmentDocument environment, SecretValues secrets)
    {
        var report = await new SmokeRunner(retry, _variable).RunAsync(environment, secrets);
        await PublishAsync(report, environment);
        return report;
    }

    /// <summary>The live topology Smoke draws: artifacts/&lt;env&gt;/topology-smoke.md.</summary>
    public const string TopologyFile = "topology-smoke.md";

    private async Task PublishAsync(SmokeReport report, EnvironmentDocument environment)
    {
        SmokeOutput.Print(console, report);
        var directory = layout.ArtifactsFor(report.Environment);
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, "smoke.json");
        await File.WriteAllTextAsync(json, SmokeOutput.ToJson(report));
        console.MarkupLine($"wrote {Markup.Escape(layout.Display(json))}");
        var topology = ClusterTopology.From(environment);
        await new LiveTopologyPublisher(layout, console, _variable).PublishAsync(topology, SmokeObservation.From(report, topology), TopologyFile, SmokeOutput.ToMarkdown(report));
    }
}
