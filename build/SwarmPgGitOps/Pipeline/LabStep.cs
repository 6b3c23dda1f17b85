using Spectre.Console;
using SwarmPgGitOps.Lab;

namespace SwarmPgGitOps.Pipeline;

/// <summary>Lab, LabStatus, LabDown: the local multi-node swarm that deploys and tests run against.</summary>
public sealed class LabStep(ProjectLayout layout, IAnsiConsole console)
{
    private readonly LabScript _script = new(layout, new ProcessRunner(console));

    /// <summary>The environment that deploys to the local lab.</summary>
    public const string LabEnvironment = "lab";

    /// <summary>Whether a `--env` selector (a name, a list, `all`) includes the lab, which a deploy then brings up first.</summary>
    public static bool IsNeededFor(ProjectLayout layout, string environments) =>
        layout.SelectEnvironments(environments).Contains(LabEnvironment, StringComparer.Ordinal);

    public void Up() => StepFailures.Translate(console, () => Check(_script.Up(), "Lab"));

    /// <summary>Before a deploy to the lab: nothing when lab.sh finds it up, else Up.</summary>
    public void EnsureUp()
    {
        if (_script.IsUp())
            console.MarkupLine("lab is up");
        else
            Up();
    }

    public void Down() => StepFailures.Translate(console, () => Check(_script.Down(), "LabDown"));

    public void Status() => StepFailures.Translate(console, () =>
    {
        var code = _script.Status();
        if (code == LabScript.ExitNotUp)
            throw new PipelineFailedException("the lab is not (fully) up: run ./build.sh --target=Lab", code);
        Check(code, "LabStatus");
    });

    private static void Check(int exitCode, string task)
    {
        if (exitCode != 0)
            throw new PipelineFailedException($"{task} failed (exit code {exitCode}); the lines above say what and how to fix it", exitCode);
    }
}
