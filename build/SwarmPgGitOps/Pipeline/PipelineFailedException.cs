namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// A step failed for a reason already shown to the user; the exit code tells CI what kind of failure it was.
/// The pipeline layer's own error: domain code throws its own kinds, which <see cref="StepFailures"/> turns into this.
/// </summary>
public sealed class PipelineFailedException(string message, int exitCode = StepFailures.Failed, Exception? cause = null) : Exception(message, cause)
{
    public int ExitCode { get; } = exitCode;
}
