using System.Xml.Linq;
using Spectre.Console;
using SwarmPgGitOps.Lab;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// Test: the unit tests, then the lab tests against a real swarm. Brings the lab up when it is not, and takes down
/// only what it brought up. Ends with one line that counts every test run: `Tests: N passed, N failed`.
/// </summary>
public sealed class TestStep(ProjectLayout layout, IAnsiConsole console)
{
    private static readonly string[] UnitProjects = ["tests/SwarmPgGitOps.Tests"];
    private static readonly string[] LabProjects = ["tests/SwarmPgGitOps.LabTests"];

    /// <summary>
    /// The lab tests in two runs: first every class but the fault suites, whose test collections run side by side on
    /// stacks of their own; then the fault suites alone, since they stop engines and cut nodes off that every stack uses.
    /// </summary>
    private static readonly string[] LabPhases = ["Category!=Fault", "Category=Fault"];

    private readonly ProcessRunner _runner = new(console);

    public Task RunAsync() => StepFailures.Translate(console, async () =>
    {
        var results = Path.Combine(layout.ArtifactsDirectory, "test-results");
        if (Directory.Exists(results))
            Directory.Delete(results, recursive: true);

        if (OperatingSystem.IsLinux() && await _runner.RunAsync("bash", [Path.Combine(layout.Root, "build", "prerequisites.sh")], layout.Root) != 0)
            throw new PipelineFailedException("the test prerequisites could not be installed; see the lines above");

        var exitCodes = new List<int>();
        foreach (var project in UnitProjects)
            exitCodes.Add(await DotNetTestAsync(project, results));

        var labProjects = LabProjects.Where(p => Directory.Exists(Path.Combine(layout.Root, p))).ToList();
        if (labProjects.Count > 0)
        {
            var lab = new LabScript(layout, _runner);
            var startedHere = lab.Status() != 0;
            if (startedHere && lab.Up() != 0)
                throw new PipelineFailedException("the lab did not come up, so the lab tests could not run; see the lines above");
            try
            {
                foreach (var project in labProjects)
                {
                    foreach (var phase in LabPhases)
                        exitCodes.Add(await DotNetTestAsync(project, results, phase));
                }
            }
            finally
            {
                if (startedHere)
                    lab.Down();
            }
        }

        var (passed, failed, skipped) = Count(results);
        console.WriteLine($"Tests: {passed} passed, {failed} failed, {skipped} skipped");
        if (exitCodes.Any(c => c != 0) || failed > 0)
            throw new PipelineFailedException($"{failed} test(s) failed; results are in {layout.Display(results)}/");
        if (passed == 0)
            throw new PipelineFailedException("no test ran");
    });

    private Task<int> DotNetTestAsync(string project, string results, string? filter = null)
    {
        console.MarkupLine($"[bold]dotnet test {Markup.Escape(project)}{(filter is null ? "" : $" --filter {Markup.Escape(filter)}")}[/]");
        return _runner.RunAsync("dotnet",
            ["test", project, "--configuration", "Release", "--nologo", "--logger", "trx", "--logger", "console;verbosity=normal", "--results-directory", results,
             // A test that hangs ends the run within minutes, named, instead of at CI's time limit; the longest lab test takes about 5.
             "--blame-hang-timeout", "15m", "--blame-hang-dump-type", "none",
             .. filter is null ? Array.Empty<string>() : ["--filter", filter]],
            layout.Root);
    }

    private static (int Passed, int Failed, int Skipped) Count(string results)
    {
        if (!Directory.Exists(results))
            return (0, 0, 0);
        int passed = 0, failed = 0, skipped = 0;
        foreach (var trx in Directory.EnumerateFiles(results, "*.trx", SearchOption.AllDirectories))
        {
            var counters = XDocument.Load(trx).Descendants().First(e => e.Name.LocalName == "Counters");
            int Get(string name) => int.Parse(counters.Attribute(name)?.Value ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            passed += Get("passed");
            failed += Get("failed") + Get("error") + Get("timeout") + Get("aborted");
            skipped += Get("notExecuted");
        }
        return (passed, failed, skipped);
    }
}
