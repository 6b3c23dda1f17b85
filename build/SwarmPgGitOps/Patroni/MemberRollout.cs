namespace SwarmPgGitOps.Patroni;

/// <summary>How the leadership goes to git's preferred member: not at all (it leads, or none is preferred), by a switchover, by a manual failover, or not now.</summary>
public enum Handover
{
    None,
    Switchover,
    Failover,
    NotPossible,
}

/// <summary>
/// The order of a rolling update of Patroni members: replicas one at a time, then (when the leader changes too) a
/// switchover to an updated replica, then the old leader. Writes are interrupted once, by the switchover.
/// </summary>
public static class MemberRollout
{
    /// <summary>
    /// For a new cluster (every member created), the preferred leader, which starts first and initialises it; the others
    /// are created once it has claimed the cluster, and copy it. It is also the only member given Patroni's bootstrap
    /// configuration (<see cref="MayInitialise"/>), so no other member could win the bootstrap race. Null otherwise.
    /// </summary>
    public static string? NewClusterFounder(IReadOnlyCollection<string> members, IReadOnlyCollection<string> created, string? preferred) =>
        preferred is not null && members.Count > 0 && members.All(created.Contains) && created.Contains(preferred) ? preferred : null;

    /// <summary>
    /// Whether a member gets Patroni's bootstrap configuration: the preferred leader, or every member when none is
    /// preferred. Patroni initialises a new cluster only on a member whose configuration has a bootstrap section; one
    /// without waits for a leader and copies it, so no other member can win the bootstrap race.
    /// </summary>
    public static bool MayInitialise(string member, string? preferred) => preferred is null || member == preferred;

    /// <summary>
    /// The changed members in the order they are updated: the replicas by name, the leader last; a replica named
    /// <paramref name="afterLeader"/> comes after the leader.
    /// </summary>
    public static IReadOnlyList<string> UpdateOrder(IEnumerable<string> changedMembers, string? leader, string? afterLeader = null) =>
        changedMembers.Order(StringComparer.Ordinal).OrderBy(m => m == leader ? 1 : m == afterLeader ? 2 : 0).ToList();

    /// <summary>Whether a service's change of mounted secrets (<see cref="Swarm.ServiceFields"/>) gives the file <paramref name="target"/> another secret.</summary>
    public static bool ChangesSecret(Swarm.FieldChange secrets, string target) =>
        secrets.Field == "secrets" && SecretFor(secrets.Desired, target) != SecretFor(secrets.Live, target);

    /// <summary>The member mounts a secret at <paramref name="target"/> that its live spec does not have.</summary>
    public static bool AddsSecret(Swarm.FieldChange secrets, string target) =>
        secrets.Field == "secrets" && SecretFor(secrets.Live, target) is null && SecretFor(secrets.Desired, target) is not null;

    private static string? SecretFor(string mounts, string target) =>
        mounts.Split(", ").Select(m => m.Split(':')).FirstOrDefault(parts => parts.Length > 1 && parts[1] == target)?[0];

    /// <summary>
    /// The member to hand the leadership to before <paramref name="leader"/> is updated: a healthy replica caught up within
    /// <paramref name="maxLagBytes"/>, preferring git's preferred leader, then one already updated, then a synchronous
    /// standby (in synchronous mode Patroni accepts only those), then the one with the least lag. Null when none qualifies.
    /// </summary>
    public static string? SwitchoverCandidate(PatroniCluster cluster, string leader, string? preferred, IReadOnlySet<string> updated, long maxLagBytes,
        bool synchronousMode) =>
        cluster.Members
            .Where(m => m.Name != leader && CanTakeOver(m, maxLagBytes))
            .Where(m => !synchronousMode || IsSynchronous(m))
            .OrderByDescending(m => m.Name == preferred)
            .ThenByDescending(m => updated.Contains(m.Name))
            .ThenBy(m => m.LagBytes)
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => m.Name)
            .FirstOrDefault();

    /// <summary>
    /// How <paramref name="preferred"/> takes over from <paramref name="leader"/>: when it can take over, by a switchover, or in
    /// synchronous mode when it is not the synchronous standby by a manual failover (Patroni refuses a switchover to it).
    /// </summary>
    public static Handover HandoverTo(PatroniCluster cluster, string leader, string? preferred, long maxLagBytes, bool synchronousMode) =>
        preferred is null || leader == preferred ? Handover.None
        : cluster.Find(preferred) is not { } member || !CanTakeOver(member, maxLagBytes) ? Handover.NotPossible
        : !synchronousMode || IsSynchronous(member) ? Handover.Switchover
        : Handover.Failover;

    /// <summary>
    /// The member a Switchover asked for hands the leadership to: <paramref name="requested"/>; else git's preferred
    /// member when it does not lead; else the best synchronous standby (in asynchronous mode the replica least behind).
    /// A refusal says why no member, or not the requested one, can take over now; the leader itself is no candidate.
    /// </summary>
    public static (string? Candidate, string? Refusal) SwitchoverTarget(PatroniCluster cluster, string leader, string? requested, string? preferred,
        long maxLagBytes, bool synchronousMode)
    {
        if (requested is not null)
        {
            return cluster.Find(requested) is not { } member
                ? (null, $"{requested} is not a member of the cluster (members: {string.Join(", ", cluster.Members.Select(m => m.Name))})")
                : member.Name == leader ? (null, $"{requested} leads already")
                : CanTakeOver(member, maxLagBytes) ? (requested, null)
                : (null, $"{requested} cannot take over now: {WhyNot(member, maxLagBytes)}");
        }
        if (preferred is not null && preferred != leader && cluster.Find(preferred) is { } preferredMember && CanTakeOver(preferredMember, maxLagBytes))
            return (preferred, null);
        return SwitchoverCandidate(cluster, leader, null, new HashSet<string>(), maxLagBytes, synchronousMode) is { } best
            ? (best, null)
            : (null, $"no member can take over from {leader} now: {WhyNoCandidate(cluster, leader, maxLagBytes)}");
    }

    /// <summary>A replica that streams and is caught up within <paramref name="maxLagBytes"/>: it can lead without losing what the leader acknowledged.</summary>
    public static bool CanTakeOver(PatroniMember member, long maxLagBytes) =>
        !member.IsLeader && member.IsHealthy && member.LagBytes is { } lag && lag <= maxLagBytes;

    public static bool IsSynchronous(PatroniMember member) => member.Role is PatroniRole.SyncStandby or PatroniRole.QuorumStandby;

    public static bool HasSynchronousStandby(PatroniCluster cluster) => cluster.Members.Any(IsSynchronous);

    /// <summary>Why no candidate qualifies, member by member, for the error a deploy stops with.</summary>
    public static string WhyNoCandidate(PatroniCluster cluster, string leader, long maxLagBytes) =>
        string.Join("; ", cluster.Members.Where(m => m.Name != leader).Select(m => $"{m.Name} {WhyNot(m, maxLagBytes) ?? "is not a synchronous standby"}"))
            is { Length: > 0 } reasons ? reasons : "the leader has no replica";

    /// <summary>Why <paramref name="member"/> cannot take over, in words that follow its name; null when it can.</summary>
    private static string? WhyNot(PatroniMember member, long maxLagBytes) =>
        !member.IsHealthy ? $"is {member.State}"
        : member.LagBytes is not { } lag ? "has an unknown lag"
        : lag > maxLagBytes ? $"is {member.LagText} behind (more than {(maxLagBytes / 1048576.0).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} MB)"
        : null;
}
