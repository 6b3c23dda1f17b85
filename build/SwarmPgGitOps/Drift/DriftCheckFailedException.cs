using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Drift;

/// <summary>Drift could not be checked (not: drift was found): what runs could not be read, so nothing can be said about it.</summary>
public sealed class DriftCheckFailedException(string message) : ActionableException(message);
