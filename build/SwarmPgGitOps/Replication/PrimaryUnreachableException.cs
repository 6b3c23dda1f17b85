using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Replication;

/// <summary>The primary, which holds the replication slots, cannot be reached.</summary>
public sealed class PrimaryUnreachableException(string message) : ActionableException(message);
