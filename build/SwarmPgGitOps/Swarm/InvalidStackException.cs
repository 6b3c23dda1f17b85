using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Swarm;

/// <summary>The rendered stack cannot be turned into Swarm objects: it names a secret the environment does not give a value for.</summary>
public sealed class InvalidStackException(string message) : ActionableException(message);
