using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Swarm;

/// <summary>A deploy that could not complete: the stack's lock is held, or a service did not converge (and was rolled back).</summary>
public sealed class DeployFailedException(string message) : ActionableException(message);
