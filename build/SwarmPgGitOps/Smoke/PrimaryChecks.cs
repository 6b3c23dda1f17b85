using System.Globalization;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Rendering;

namespace SwarmPgGitOps.Smoke;

/// <summary>Judges what the primary reports: its role, each replica's stream and slot, its settings, pg_hba and the replication role.</summary>
public static class PrimaryChecks
{
    public const string Target = "primary";
    private static readonly string[] HealthyWalStatus = ["reserved", "extended"];

    public static IReadOnlyList<SmokeCheck> Evaluate(PrimaryObservation observed, SmokeExpectations expected)
    {
        var checks = new List<SmokeCheck>
        {
            SmokeCheck.When(!observed.InRecovery, "recovery", Target, Bool(observed.InRecovery), "false",
                "the primary is in recovery (a standby): was it started with standby.signal, or has a replica been promoted elsewhere?"),
        };
        foreach (var replica in expected.Replicas)
            checks.AddRange(Stream(observed.Replication, replica, expected));
        foreach (var replica in expected.Replicas)
            checks.Add(Slot(observed.Slots, replica));
        checks.Add(StraySlots(observed.Slots, expected));
        checks.Add(SlotWalLimit(observed.Settings));
        checks.AddRange(expected.Settings.Select(setting => Setting(observed.Settings, setting)));
        checks.AddRange(HbaRuleChecks.Evaluate(observed.HbaRules, expected));
        checks.Add(ReplicationPassword(observed.ReplicationPassword, expected.ReplicationUser));
        return checks;
    }

    public static string StreamTarget(ExpectedReplica replica) => StreamTarget(replica.Name);

    public static string StreamTarget(string replica) => $"primary→{replica}";

    private static IEnumerable<SmokeCheck> Stream(IReadOnlyList<ReplicationRow> rows, ExpectedReplica replica, SmokeExpectations expected)
    {
        var target = StreamTarget(replica);
        var matching = rows.Where(r => r.ApplicationName == replica.ApplicationName).ToList();
        if (matching.Count != 1)
        {
            yield return SmokeCheck.Fail("replication.streaming", target,
                matching.Count == 0 ? "no walsender" : $"{matching.Count} walsenders", "one walsender, streaming",
                matching.Count == 0
                    ? $"{replica.Name} is not connected to the primary (application_name {replica.ApplicationName}): docker service ps {expected.Stack}_{replica.Name}, and its logs"
                    : $"more than one connection uses application_name {replica.ApplicationName}: two tasks of {expected.Stack}_{replica.Name} may be running");
            yield break;
        }
        var row = matching[0];
        yield return SmokeCheck.When(row.State == "streaming", "replication.streaming", target, row.State, "streaming",
            $"{replica.Name} is connected but {row.State}: it is catching up or copying; wait, or read docker service logs {expected.Stack}_{replica.Name}");

        var wantedSync = replica.Synchronous ? "sync or quorum" : "async";
        var syncOk = replica.Synchronous ? row.SyncState is "sync" or "quorum" : row.SyncState == "async";
        yield return SmokeCheck.When(syncOk, "replication.sync_state", target, row.SyncState, wantedSync,
            "synchronous_standby_names on the primary does not match the replicas' synchronous flags; compare SHOW synchronous_standby_names with the environment");

        var maxBytes = expected.Thresholds.MaxReplayLagBytes;
        yield return SmokeCheck.When(row.ReplayLagBytes is { } bytes && bytes <= maxBytes, "replication.replay_lag_bytes", target,
            row.ReplayLagBytes is { } b ? Bytes(b) : "unknown", $"≤ {Bytes(maxBytes)}",
            $"{replica.Name} replays WAL slower than the primary writes it: look at its disk and CPU, and at long queries on it (hot_standby_feedback, conflicts)");

        var maxLag = TimeSpan.FromSeconds(expected.Thresholds.MaxReplayLagSeconds);
        yield return SmokeCheck.When(row.ReplayLag is not { } lag || lag <= maxLag, "replication.replay_lag_time", target,
            row.ReplayLag is { } l ? Seconds(l) : "idle (null)", $"≤ {Seconds(maxLag)}",
            $"{replica.Name} replays changes late: look at its load and at the network between the nodes");
    }

    private static SmokeCheck Slot(IReadOnlyList<SlotRow> slots, ExpectedReplica replica)
    {
        var target = StreamTarget(replica);
        if (slots.FirstOrDefault(s => s.Name == replica.Slot) is not { } slot)
            return SmokeCheck.Fail("slot", target, "missing", "active, wal reserved or extended",
                $"the primary creates slot {replica.Slot} on start: restart the primary service, or SELECT pg_create_physical_replication_slot('{replica.Slot}', true)");
        var value = $"{(slot.Active ? "active" : "inactive")}, wal {slot.WalStatus ?? "unknown"}";
        var healthy = slot.Active && HealthyWalStatus.Contains(slot.WalStatus);
        return SmokeCheck.When(healthy, "slot", target, value, "active, wal reserved or extended",
            !slot.Active
                ? $"no replica uses slot {replica.Slot}: {replica.Name} is down or not streaming; WAL piles up on the primary until it returns"
                : $"slot {replica.Slot} lost or is about to lose WAL (wal_status {slot.WalStatus}): {replica.Name} may need a new base backup (remove its volume)");
    }

    /// <summary>Inactive slots no replica of the environment uses keep WAL forever and fill the primary's disk.</summary>
    private static SmokeCheck StraySlots(IReadOnlyList<SlotRow> slots, SmokeExpectations expected)
    {
        var known = expected.Replicas.Select(r => r.Slot).ToHashSet(StringComparer.Ordinal);
        var stray = slots.Where(s => !known.Contains(s.Name) && !s.Active && !s.Temporary).Select(s => s.Name).Order(StringComparer.Ordinal).ToList();
        return SmokeCheck.When(stray.Count == 0, "slot.stray", Target, stray.Count == 0 ? "none" : string.Join(", ", stray), "no inactive unknown slots",
            $"inactive slots the environment does not know hold WAL and fill the disk: SELECT pg_drop_replication_slot('{stray.FirstOrDefault()}') once nothing needs them");
    }

    private static SmokeCheck SlotWalLimit(IReadOnlyList<SettingRow> settings)
    {
        var row = settings.FirstOrDefault(s => s.Name == "max_slot_wal_keep_size");
        var unlimited = row is null || row.Setting == "-1";
        return SmokeCheck.When(!unlimited, "setting.max_slot_wal_keep_size_bounded", Target, row?.Display ?? "unknown", "not -1",
            "with max_slot_wal_keep_size = -1 a stopped replica's slot can fill the primary's disk: set postgres.settings.max_slot_wal_keep_size");
    }

    private static SmokeCheck Setting(IReadOnlyList<SettingRow> settings, ExpectedSetting expected)
    {
        var name = $"setting.{expected.Name}";
        if (settings.FirstOrDefault(s => s.Name == expected.Name) is not { } actual)
            return SmokeCheck.Fail(name, Target, "unknown setting", Show(expected.Value),
                $"PostgreSQL does not know {expected.Name}: check its spelling in postgres.settings");
        return SmokeCheck.When(SettingComparison.Matches(expected.Value, actual), name, Target, Show(actual.Display), Show(expected.Value),
            $"the running value differs from the environment: the deployed postgresql.conf is stale, or the change needs a restart (SELECT pending_restart FROM pg_settings WHERE name = '{expected.Name}')");
    }

    private static SmokeCheck ReplicationPassword(PasswordScheme scheme, string user) =>
        SmokeCheck.When(scheme == PasswordScheme.ScramSha256, "role.replication_password", Target,
            scheme switch
            {
                PasswordScheme.ScramSha256 => "SCRAM-SHA-256",
                PasswordScheme.Md5 => "md5",
                PasswordScheme.None => "no password",
                PasswordScheme.RoleMissing => $"role {user} missing",
                _ => "other",
            },
            "SCRAM-SHA-256",
            $"the password of {user} is not stored as SCRAM: set password_encryption = scram-sha-256 and restart the primary so its entrypoint sets the password again");

    private static string Show(string value) => value.Length == 0 ? "''" : value;

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Bytes(long bytes) => bytes.ToString("N0", CultureInfo.InvariantCulture) + " B";

    public static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
