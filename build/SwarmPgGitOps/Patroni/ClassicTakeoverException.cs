using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Patroni;

/// <summary>A Patroni deploy onto a stack of the classic layout that cannot take its data over safely; refused before anything changes.</summary>
public sealed class ClassicTakeoverException(string message) : ActionableException(message);
