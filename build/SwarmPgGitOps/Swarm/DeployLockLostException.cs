using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Swarm;

/// <summary>The run no longer holds its stack's deploy lock: another run took it, so this one must change nothing more.</summary>
public sealed class DeployLockLostException(string message) : ActionableException(message);
