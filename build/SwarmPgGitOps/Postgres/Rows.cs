namespace SwarmPgGitOps.Postgres;

// What the queries read from a server, as records. Checks and comparisons judge these without a database, so tests can build them by hand.

/// <summary>A row of pg_stat_replication on the primary. Lag values are null when PostgreSQL does not know them (yet).</summary>
public sealed record ReplicationRow(string ApplicationName, string State, string SyncState, long? ReplayLagBytes, TimeSpan? ReplayLag);

/// <summary>A row of pg_replication_slots.</summary>
public sealed record SlotRow(string Name, string SlotType, bool Active, bool Temporary, string? WalStatus);

/// <summary>A row of pg_settings: the raw setting in its base unit, and how SHOW displays it.</summary>
public sealed record SettingRow(string Name, string Setting, string? Unit, string VarType, string Display);

/// <summary>A row of pg_hba_file_rules (PostgreSQL 15). <paramref name="Options"/> are "name=value".</summary>
public sealed record HbaFileRule(
    int? LineNumber,
    string? Type,
    IReadOnlyList<string> Databases,
    IReadOnlyList<string> Users,
    string? Address,
    string? Netmask,
    string? AuthMethod,
    string? Error,
    IReadOnlyList<string>? Options = null);

/// <summary>Which cluster a server belongs to: pg_control_system().system_identifier and the timeline it is on.</summary>
public sealed record ClusterIdentity(long SystemIdentifier, int Timeline);

/// <summary>How a role's password is stored, read without ever reading the hash itself.</summary>
public enum PasswordScheme
{
    ScramSha256,
    Md5,
    Other,
    None,
    RoleMissing,
}

/// <summary>A standby's own view of its recovery: replay backlog, whether primary_conninfo holds a password, and its identity.</summary>
public sealed record StandbyStatus(bool InRecovery, long? ReplayBacklogBytes, bool ConninfoHoldsPassword, ClusterIdentity Identity);

/// <summary>The replica's pg_stat_wal_receiver row.</summary>
public sealed record WalReceiverRow(string Status, string? SlotName, int? ReceivedTimeline);

/// <summary>pg_stat_archiver: how many WAL files were archived and the last one, the failures and the last one, and the server's clock.</summary>
public sealed record ArchiverRow(long ArchivedCount, string? LastArchivedWal, DateTimeOffset? LastArchivedTime, long FailedCount, string? LastFailedWal,
    DateTimeOffset? LastFailedTime, DateTimeOffset Now)
{
    /// <summary>The last attempt failed: a failure after the last success (or with none).</summary>
    public bool Failing => LastFailedTime is { } failed && (LastArchivedTime is not { } archived || failed > archived);
}
