using Spectre.Console;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;

namespace SwarmPgGitOps.Pipeline;

/// <summary>Render: environments/&lt;env&gt;.yml + templates/ → artifacts/&lt;env&gt;/.</summary>
public sealed class RenderStep(ProjectLayout layout, IAnsiConsole console)
{
    public void Run(string environments)
    {
        var renderer = new EnvironmentRenderer(layout);
        var writer = new ArtifactWriter(layout);
        var failed = new List<string>();
        foreach (var name in layout.SelectEnvironments(environments))
        {
            var loaded = EnvironmentLoader.Load(layout, name);
            var rendered = loaded.Value is { } document
                ? renderer.Render(document)
                : Diagnostics.Result<RenderedEnvironment>.Fail(loaded.Diagnostics);
            DiagnosticPrinter.Print(console, rendered.Diagnostics);
            if (rendered.Value is not { } artifacts)
            {
                failed.Add(name);
                continue;
            }
            var directory = writer.Write(artifacts);
            console.MarkupLine($"[green]rendered[/] {Markup.Escape(name)} → {Markup.Escape(layout.Display(directory))}/ ({artifacts.Files.Count} files and manifest.json)");
        }
        if (failed.Count > 0)
            throw new PipelineFailedException($"could not render: {string.Join(", ", failed)}");
    }
}
