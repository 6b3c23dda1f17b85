using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Patroni;

/// <summary>A rolling update of a Patroni cluster cannot go on safely: no member can take over, or one never became healthy.</summary>
public sealed class PatroniRolloutException(string message) : ActionableException(message);
