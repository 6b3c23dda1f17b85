using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Topology;
using SwarmPgGitOps.Tests.Support;
using Xunit.Abstractions;

namespace SwarmPgGitOps.Tests.Topology;

/// <summary>
/// Mermaid's own renderer (mermaid-cli, pinned in tests/mermaid/package-lock.json, in Debian's Chromium) draws every
/// environment's topology and the live ones: the SVGs are kept in artifacts/diagrams/ for a person to open. No renderer
/// (Chromium or mermaid-cli missing) fails the test, saying what to install.
/// </summary>
public sealed class MermaidRenderTests(ITestOutputHelper output)
{
    private static string MermaidDirectory => Path.Combine(Repo.Layout.Root, "tests", "mermaid");

    /// <summary>Every diagram to draw, by file name: the shipped environments, the classic fixtures, and live pictures.</summary>
    private static IEnumerable<(string Name, string Markdown)> Diagrams()
    {
        foreach (var name in Repo.ShippedEnvironments)
            yield return ($"{name}.md", Rendered(Repo.Layout, name));
        var classic = ClassicFixture.Scratch();
        foreach (var name in Repo.ShippedEnvironments)
            yield return ($"classic-{name}.md", Rendered(classic, name));
        yield return ("lab-without-haproxy.md", Observed.Markdown(TopologyDiagram.Desired(Observed.LabWithoutEndpoints())));
        yield return ("lab-s3-backups.md", Observed.Markdown(TopologyDiagram.Desired(Observed.LabWithS3())));
        yield return ("lab-smoke-failed-over.md", Observed.Markdown(Observed.FailedOverDiagram()));
        yield return ("lab-drifted.md", Observed.Markdown(Observed.DriftedDiagram()));
    }

    private static string Rendered(ProjectLayout layout, string name) =>
        new EnvironmentRenderer(layout).Render(EnvironmentLoader.Load(layout, name).Unwrap()).Unwrap().File(TopologyDiagram.FileName).Content;

    [Fact]
    public async Task Mermaid_draws_every_topology_as_svg_and_refuses_a_broken_diagram_in_one_chromium()
    {
        await Install();
        var directory = Path.Combine(Repo.Layout.Root, "artifacts", "diagrams");
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
        var diagrams = Diagrams().ToList();
        foreach (var (name, markdown) in diagrams)
            await File.WriteAllTextAsync(Path.Combine(directory, name), markdown);
        var broken = Path.Combine(directory, "broken.md");
        await File.WriteAllTextAsync(broken, "```mermaid\nflowchart TB\n  a[\"unclosed --> b\n```\n");

        var clock = Stopwatch.StartNew();
        var result = await Cli.Wrap("node").WithArguments(["tests/mermaid/render.mjs", .. diagrams.Select(d => Path.Combine(directory, d.Name)), broken])
            .WithWorkingDirectory(Repo.Layout.Root).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        output.WriteLine($"mermaid-cli drew {diagrams.Count} diagrams in {clock.Elapsed.TotalSeconds:0.0} s (one Chromium)\n{result.StandardOutput}");

        Assert.True(result.ExitCode == 1, $"render.mjs should fail on broken.md only (exit {result.ExitCode}):\n{result.StandardError}");
        var problems = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("does not render") || l.Contains("no mermaid block")).ToList();
        Assert.Equal([broken], problems.Select(p => p[..p.IndexOf(": ", StringComparison.Ordinal)]));
        Assert.False(File.Exists(Path.ChangeExtension(broken, ".svg")));
        foreach (var (name, markdown) in diagrams)
        {
            var svg = await File.ReadAllTextAsync(Path.Combine(directory, Path.ChangeExtension(name, ".svg")));
            Assert.StartsWith("<svg", svg);
            Assert.Contains("applications", svg);
            Assert.DoesNotContain("Syntax error", svg);
        }
        Assert.Contains("drifted: image, setting work_mem", await File.ReadAllTextAsync(Path.Combine(directory, "lab-drifted.svg")));
        Assert.Contains("sync standby, lag 3 MB", await File.ReadAllTextAsync(Path.Combine(directory, "lab-smoke-failed-over.svg")));
        Assert.Contains("pgBackRest repository, TLS :8432", await File.ReadAllTextAsync(Path.Combine(directory, "lab.svg")));
        Assert.Contains("pg-backups at s3.example.com", await File.ReadAllTextAsync(Path.Combine(directory, "lab-s3-backups.svg")));
    }

    private static readonly SemaphoreSlim Installing = new(1, 1);

    /// <summary>tests/mermaid/install.sh: npm ci of the pinned mermaid-cli when it is not there yet (no browser download).</summary>
    private static async Task Install()
    {
        await Installing.WaitAsync();
        try
        {
            var result = await Cli.Wrap("bash").WithArguments([Path.Combine(MermaidDirectory, "install.sh")])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            Assert.True(result.ExitCode == 0, $"tests/mermaid/install.sh failed (exit {result.ExitCode}): Mermaid's renderer is missing\n{result.StandardOutput}\n{result.StandardError}");
        }
        finally
        {
            Installing.Release();
        }
    }
}
