namespace SwarmPgGitOps.Pipeline;

/// <summary>A step failed for a reason already shown to the user; the exit code tells CI what kind of failure it was.</summary>
public sealed class PipelineFailedException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
