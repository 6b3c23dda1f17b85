using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.GitHub;

/// <summary>GITHUB_TOKEN, GITHUB_REPOSITORY or GITHUB_API_URL is missing or malformed; the message names each one.</summary>
public sealed class GitHubSettingsException(string message) : ActionableException(message);
