using SwarmPgGitOps.Pipeline;

namespace SwarmPgGitOps.Lab;

/// <summary>
/// build/lab/lab.sh: the lab's engines, namespaces and image are shell work, done by one script, which is also the one
/// place that decides whether the lab is up.
/// </summary>
public sealed class LabScript(ProjectLayout layout, ProcessRunner runner)
{
    public const int ExitNotUp = 3;

    private string Script => Path.Combine(layout.Root, "build", "lab", "lab.sh");

    public int Up() => Invoke("up");

    public int Down() => Invoke("down");

    public int Status() => Invoke("status");

    /// <summary>`lab.sh status --quiet`: prints nothing, answers with its exit code.</summary>
    public bool IsUp() => Invoke("status", "--quiet") == 0;

    private int Invoke(params string[] arguments)
    {
        if (!OperatingSystem.IsLinux())
            throw new LabUnavailableException("the lab runs on Linux only (Debian, as root): it starts Docker engines in network namespaces");
        return runner.Run("bash", [Script, .. arguments], layout.Root);
    }
}
