namespace SwarmPgGitOps.Topology;

/// <summary>
/// What a check saw on the live cluster, drawn over the environment's topology: who leads now, each instance's state
/// (with its lag, or why it is down or drifted), whether the network drifted, and what else differs that has no place in the picture.
/// </summary>
/// <param name="Source">Who saw it and when: "Smoke at 2026-12-01 03:51:00Z".</param>
/// <param name="Leader">The instance that leads now; null when none does or it could not be asked.</param>
public sealed record TopologyObservation(
    string Source,
    string? Leader,
    IReadOnlyDictionary<string, ObservedInstance> Instances,
    bool NetworkDrifted = false,
    IReadOnlyList<string>? Notes = null)
{
    public ObservedInstance? Of(string instance) => Instances.GetValueOrDefault(instance);
}

public enum ObservedState
{
    Leading,
    Streaming,
    /// <summary>A service that is neither leader nor replica (the backup repository) and passes its checks.</summary>
    Healthy,
    /// <summary>Runs, but not as it should: stopped, starting, not listed by Patroni, not streaming.</summary>
    Down,
    /// <summary>The check could not connect to it.</summary>
    Unreachable,
    /// <summary>Differs from what git renders (Drift).</summary>
    Drifted,
}

/// <param name="Detail">A few words for the picture: "lag 0 MB", "stopped", "image, port".</param>
public sealed record ObservedInstance(ObservedState State, string Detail);
