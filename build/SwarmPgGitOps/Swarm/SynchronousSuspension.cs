namespace SwarmPgGitOps.Swarm;

/// <summary>
/// Decides when Deploy suspends synchronous replication on the primary. synchronous_standby_names is `ANY 1 (<synchronous
/// slots>)`, so a commit waits until one synchronous replica that streams has it: while no other one streams, updating a
/// synchronous replica would stop every commit until it streams again.
/// </summary>
public static class SynchronousSuspension
{
    /// <summary>
    /// Whether commits would wait while <paramref name="wave"/> is down: it, or a wave after it (<paramref name="later"/>), updates a
    /// synchronous replica, and no synchronous replica outside the wave streams from the primary to confirm commits meanwhile.
    /// A later wave counts because a replica that cannot stream now (a rotated replication password it does not have yet) will
    /// not stream before its own update.
    /// </summary>
    /// <param name="synchronousSlots">The synchronous replicas by service name, with their slots (their application_name on the primary).</param>
    /// <param name="wave">The replicas this wave updates, by service name.</param>
    /// <param name="later">The replicas the waves after it update.</param>
    /// <param name="streaming">The application_name of every standby streaming from the primary now.</param>
    public static bool IsNeeded(IReadOnlyDictionary<string, string> synchronousSlots, IReadOnlyCollection<string> wave, IReadOnlyCollection<string> later,
        IReadOnlySet<string> streaming) =>
        wave.Concat(later).Any(synchronousSlots.ContainsKey)
        && !synchronousSlots.Where(s => !wave.Contains(s.Key)).Any(s => streaming.Contains(s.Value));
}
