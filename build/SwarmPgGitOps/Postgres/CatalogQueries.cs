using Npgsql;

namespace SwarmPgGitOps.Postgres;

/// <summary>
/// Every query on PostgreSQL's own views that the pipeline runs (PostgreSQL 15), each written once with the record its rows
/// read as. <see cref="MemberReader"/> sends them together; Smoke, Drift and slot pruning judge the records.
/// </summary>
public static class CatalogQueries
{
    public static Query<bool> InRecovery { get; } = new("SELECT pg_is_in_recovery()", r => r.GetBoolean(0));

    /// <summary>
    /// Which member a connection landed on (through HAProxy), by its container's hostname (the stack sets it to the
    /// member's name), and whether it is in recovery: the superuser reads the file, the checks' role asks its function.
    /// </summary>
    public static Query<ServingMember> Serving(bool asMonitor) => new(
        asMonitor ? "SELECT swarm_pg.member_name(), pg_is_in_recovery()" : "SELECT btrim(pg_read_file('/etc/hostname'), E' \\n'), pg_is_in_recovery()",
        r => new ServingMember(r.GetString(0), r.GetBoolean(1)));

    /// <summary>Replay lag in bytes is measured against the primary's current WAL position, so it is null on a standby.</summary>
    public static Query<ReplicationRow> Replication { get; } = new("""
        SELECT application_name, state, sync_state,
               CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint END,
               replay_lag
          FROM pg_stat_replication
        """,
        r => new ReplicationRow(r.Text(0) ?? "", r.Text(1) ?? "", r.Text(2) ?? "", r.IsDBNull(3) ? null : r.GetInt64(3), r.IsDBNull(4) ? null : r.GetTimeSpan(4)));

    /// <summary>WAL archiving on this server (pg_stat_archiver), with the server's own clock for the ages.</summary>
    public static Query<ArchiverRow> Archiver { get; } = new(
        "SELECT archived_count, last_archived_wal, last_archived_time, failed_count, last_failed_wal, last_failed_time, now() FROM pg_stat_archiver",
        r => new ArchiverRow(r.GetInt64(0), r.Text(1), r.IsDBNull(2) ? null : r.GetFieldValue<DateTimeOffset>(2), r.GetInt64(3), r.Text(4),
            r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6)));

    public static Query<SlotRow> Slots { get; } = new(
        "SELECT slot_name, slot_type, active, temporary, wal_status FROM pg_replication_slots",
        r => new SlotRow(r.GetString(0), r.GetString(1), r.GetBoolean(2), r.GetBoolean(3), r.Text(4)));

    /// <summary>The named settings, and every setting set with ALTER SYSTEM (postgresql.auto.conf).</summary>
    public static Query<LiveSetting> Settings(IReadOnlyCollection<string> names) => new($"""
        SELECT name, setting, unit, vartype, current_setting(name), boot_val, sourcefile
          FROM pg_settings WHERE name = ANY(@settings) OR sourcefile LIKE '%/{LiveSetting.AutoConfFile}'
        """,
        r => new LiveSetting(new SettingRow(r.GetString(0), r.Text(1) ?? "", r.Text(2), r.GetString(3), r.Text(4) ?? ""), r.Text(5), r.Text(6)),
        ("settings", names.ToArray()));

    public static Query<HbaFileRule> HbaRules { get; } = new(
        "SELECT line_number, type, database, user_name, address, netmask, auth_method, options, error FROM pg_hba_file_rules ORDER BY line_number",
        r => new HbaFileRule(r.IsDBNull(0) ? null : r.GetInt32(0), r.Text(1), r.TextArray(2), r.TextArray(3), r.Text(4), r.Text(5), r.Text(6), r.Text(8), r.TextArray(7)));

    /// <summary>No row when the role does not exist. The hash itself never leaves the server (nor, for the checks' role, pg_authid: its function).</summary>
    public static Query<PasswordScheme> PasswordScheme(string role, bool asMonitor) => new(asMonitor ? "SELECT swarm_pg.password_scheme(@role)" : """
        SELECT CASE WHEN rolpassword IS NULL THEN 'none' WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram' WHEN rolpassword LIKE 'md5%' THEN 'md5' ELSE 'other' END
          FROM pg_authid WHERE rolname = @role
        """,
        r => r.GetString(0) switch
        {
            "scram" => Postgres.PasswordScheme.ScramSha256,
            "md5" => Postgres.PasswordScheme.Md5,
            "none" => Postgres.PasswordScheme.None,
            _ => Postgres.PasswordScheme.Other,
        },
        ("role", role));

    public static Query<ClusterIdentity> Identity { get; } = new(
        "SELECT (SELECT system_identifier FROM pg_control_system()), (SELECT timeline_id FROM pg_control_checkpoint())",
        r => new ClusterIdentity(r.GetInt64(0), r.GetInt32(1)));

    /// <summary>primary_conninfo is matched on the server so that its value never reaches this process.</summary>
    public static Query<StandbyStatus> Standby { get; } = new("""
        SELECT pg_is_in_recovery(),
               pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint,
               current_setting('primary_conninfo') ~* '(^|\s)password\s*=',
               (SELECT system_identifier FROM pg_control_system()),
               COALESCE((SELECT received_tli FROM pg_stat_wal_receiver), (SELECT timeline_id FROM pg_control_checkpoint()))
        """,
        r => new StandbyStatus(r.GetBoolean(0), r.IsDBNull(1) ? null : r.GetInt64(1), !r.IsDBNull(2) && r.GetBoolean(2), new ClusterIdentity(r.GetInt64(3), r.GetInt32(4))));

    public static Query<WalReceiverRow> WalReceiver { get; } = new(
        "SELECT status, slot_name, received_tli FROM pg_stat_wal_receiver",
        r => new WalReceiverRow(r.GetString(0), r.Text(1), r.IsDBNull(2) ? null : r.GetInt32(2)));
}
