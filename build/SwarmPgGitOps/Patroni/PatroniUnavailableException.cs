using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Patroni;

/// <summary>Patroni could not be asked or did not do what it was asked: no member container to ask through, or patronictl failed.</summary>
public sealed class PatroniUnavailableException(string message) : ActionableException(message);
