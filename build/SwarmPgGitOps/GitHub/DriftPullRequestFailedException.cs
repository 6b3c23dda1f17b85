using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.GitHub;

/// <summary>
/// The drift pull request could not be brought in step: GitHub refused a call or could not be reached, or the default
/// branch is not what the drift was checked against. The message says what to fix.
/// </summary>
public sealed class DriftPullRequestFailedException(string message) : ActionableException(message);
