namespace SwarmPgGitOps.Diagnostics;

/// <summary>
/// What domain code throws when it cannot do what was asked: the message is what the user reads, with what to do about
/// it; no stack trace. Each domain has its own kind; the pipeline layer turns them into exit codes.
/// </summary>
public abstract class ActionableException(string message) : Exception(message);
