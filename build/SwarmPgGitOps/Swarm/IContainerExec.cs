namespace SwarmPgGitOps.Swarm;

/// <summary>What a command run inside a container printed, and how it ended.</summary>
public sealed record ExecResult(long ExitCode, string Stdout, string Stderr)
{
    /// <summary>The last line with text in the outputs given, in that order: what a failed command said last.</summary>
    public static string LastLine(params string[] outputs) =>
        outputs.SelectMany(o => o.Split('\n')).Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? "no output";
}

/// <summary>
/// Runs a command in a container of the engine the endpoint talks to (Docker's exec): how the pipeline reaches what
/// listens on the stack network only, such as Patroni's REST API, without publishing it.
/// </summary>
public interface IContainerExec
{
    /// <param name="stdin">Written to the command's standard input, which is then closed; null: no input.</param>
    Task<ExecResult> ExecAsync(string containerId, IReadOnlyList<string> command, string? stdin, CancellationToken cancellation);
}
