using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Lab;

/// <summary>The local lab cannot be used here: it is not up (no .lab/lab.json), or the machine is not Linux.</summary>
public sealed class LabUnavailableException(string message) : ActionableException(message);
