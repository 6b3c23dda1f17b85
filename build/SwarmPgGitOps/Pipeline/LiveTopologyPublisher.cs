using Spectre.Console;
using SwarmPgGitOps.Topology;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// Smoke's and Drift's live picture: the topology with what they observed, written to artifacts/&lt;env&gt;/&lt;file&gt; and, in
/// GitHub Actions, appended to the job summary after the step's own Markdown. A diagram that cannot be drawn is reported
/// and left out: it never fails the check it illustrates.
/// </summary>
public sealed class LiveTopologyPublisher(ProjectLayout layout, IAnsiConsole console, Func<string, string?> variable)
{
    public async Task PublishAsync(ClusterTopology topology, TopologyObservation observed, string fileName, string summaryBefore)
    {
        var rendered = TopologyMarkdown.Render(layout, TopologyDiagram.Live(topology, observed), fileName);
        if (rendered.Value is not { } file)
            DiagnosticPrinter.Print(console, rendered.Diagnostics);
        else
        {
            var path = Path.Combine(layout.ArtifactsFor(topology.Environment), fileName);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, file.Content);
            console.MarkupLine($"wrote {Markup.Escape(layout.Display(path))}");
        }
        if (variable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
            await File.AppendAllTextAsync(summary, summaryBefore + (rendered.Value is { } diagram ? diagram.Content + "\n" : ""));
    }
}
