using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Swarm;

/// <summary>A deploy that would change the stack's layout in a way the pipeline does not do safely; refused before anything changes.</summary>
public sealed class LayoutChangeRefusedException(string message) : ActionableException(message);
