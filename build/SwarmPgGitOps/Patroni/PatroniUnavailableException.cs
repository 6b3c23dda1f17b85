using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Patroni;

/// <summary>Patroni could not be asked or did not do what it was asked: no member container to ask through, or patronictl failed.</summary>
public sealed class PatroniUnavailableException(string message) : ActionableException(message)
{
    /// <summary>The leader refused a switchover because it could not confirm the candidate just then: worth asking again.</summary>
    public bool CandidateNotConfirmed => Message.Contains("no good candidates have been found", StringComparison.Ordinal);
}
