namespace SwarmPgGitOps.Postgres;

// What MemberReader reads from one member of the cluster in one round trip.

/// <summary>The primary's role, replication, slots, settings, loaded pg_hba rules, the replication role's password scheme and identity.</summary>
public sealed record PrimaryObservation(
    bool InRecovery,
    IReadOnlyList<ReplicationRow> Replication,
    IReadOnlyList<SlotRow> Slots,
    IReadOnlyList<SettingRow> Settings,
    IReadOnlyList<HbaFileRule> HbaRules,
    PasswordScheme ReplicationPassword,
    ClusterIdentity Identity);

/// <summary>A replica's recovery, WAL receiver, and what a write gets (<see cref="WriteOutcome"/>: a SQLSTATE, or <see cref="WriteAccepted"/>).</summary>
public sealed record ReplicaObservation(
    bool InRecovery,
    WalReceiverRow? Receiver,
    long? ReplayBacklogBytes,
    bool ConninfoHoldsPassword,
    string WriteOutcome,
    ClusterIdentity Identity)
{
    /// <summary><see cref="WriteOutcome"/> when the test write was accepted (and rolled back).</summary>
    public const string WriteAccepted = "accepted";
}

/// <summary>
/// What any member runs with: settings (those asked for, and any set with ALTER SYSTEM), loaded pg_hba rules, slots and walsenders.
/// </summary>
public sealed record DatabaseState(
    IReadOnlyList<LiveSetting> Settings,
    IReadOnlyList<HbaFileRule> HbaRules,
    IReadOnlyList<SlotRow> Slots,
    IReadOnlyList<ReplicationRow> Replication);

/// <summary>How the canary fared on one replica. RoundTrip is null when it did not arrive in time.</summary>
public sealed record CanaryArrival(string Replica, TimeSpan? RoundTrip, TimeSpan? ReplayAge, string? Error = null);

/// <summary>The member a connection through an endpoint landed on, and whether it is in recovery (a replica).</summary>
public sealed record ServingMember(string Member, bool InRecovery);
