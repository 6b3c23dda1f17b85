using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Topology;
using SwarmPgGitOps.TestSupport;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Topology;

/// <summary>Smoke's and Drift's live picture goes to artifacts/&lt;env&gt;/ and, in GitHub Actions, after the step's own Markdown in the job summary.</summary>
public sealed class LiveTopologyPublisherTests
{
    [Fact]
    public async Task The_live_diagram_is_written_beside_smoke_json_and_appended_to_the_job_summary_after_the_table()
    {
        var layout = PatroniFixture.Scratch();
        var summary = Path.Combine(layout.Root, "summary.md");
        await File.WriteAllTextAsync(summary, "earlier step\n");
        var report = Observed.FailedOver();
        var topology = Observed.Lab();
        var printed = new StringWriter();

        await new LiveTopologyPublisher(layout, PlainTextConsole.Writing(printed), name => name == "GITHUB_STEP_SUMMARY" ? summary : null)
            .PublishAsync(topology, SmokeObservation.From(report, topology), SmokeStep.TopologyFile, SmokeOutput.ToMarkdown(report));

        var written = await File.ReadAllTextAsync(Path.Combine(layout.ArtifactsFor("lab"), "topology-smoke.md"));
        Assert.Equal(Observed.Markdown(Observed.FailedOverDiagram()), written);
        var text = await File.ReadAllTextAsync(summary);
        Assert.StartsWith("earlier step\n### Smoke checks: lab (FAILED)", text);
        Assert.True(text.IndexOf("| Check |", StringComparison.Ordinal) < text.IndexOf("### Live topology of lab\n", StringComparison.Ordinal));
        Assert.Contains("```mermaid\nflowchart TB\n", text);
        Assert.Contains("wrote artifacts/lab/topology-smoke.md", printed.ToString());
    }

    [Fact]
    public async Task Outside_GitHub_Actions_only_the_file_is_written()
    {
        var layout = PatroniFixture.Scratch();
        var topology = Observed.Lab();

        await new LiveTopologyPublisher(layout, PlainTextConsole.Writing(new StringWriter()), _ => null)
            .PublishAsync(topology, DriftObservation.From(Observed.Drifted(), topology, Observed.At), DriftStep.TopologyFile, "### Drift: lab\n\n");

        Assert.Equal(Observed.Markdown(Observed.DriftedDiagram()), await File.ReadAllTextAsync(Path.Combine(layout.ArtifactsFor("lab"), "topology-drift.md")));
        Assert.Equal(["topology-drift.md"], Directory.EnumerateFiles(layout.ArtifactsFor("lab")).Select(Path.GetFileName));
    }
}
