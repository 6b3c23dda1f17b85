using Npgsql;

namespace SwarmPgGitOps.Smoke;

/// <summary>Reads everything the primary checks need in one round trip.</summary>
public static class PrimaryProbe
{
    private const string Sql = """
        SELECT pg_is_in_recovery();
        SELECT application_name, state, sync_state,
               CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint END,
               replay_lag
          FROM pg_stat_replication;
        SELECT slot_name, slot_type, active, temporary, wal_status FROM pg_replication_slots;
        SELECT name, setting, unit, vartype, current_setting(name) FROM pg_settings WHERE name = ANY(@settings);
        SELECT line_number, type, database, user_name, address, netmask, auth_method, error FROM pg_hba_file_rules ORDER BY line_number;
        SELECT CASE WHEN rolpassword IS NULL THEN 'none' WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram' WHEN rolpassword LIKE 'md5%' THEN 'md5' ELSE 'other' END
          FROM pg_authid WHERE rolname = @replication_user;
        SELECT (SELECT system_identifier FROM pg_control_system()), (SELECT timeline_id FROM pg_control_checkpoint());
        """;

    public static async Task<PrimaryObservation> ReadAsync(NpgsqlConnection connection, SmokeExpectations expected, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(Sql, connection);
        var settings = expected.Settings.Select(s => s.Name).Append("max_slot_wal_keep_size").Distinct().ToArray();
        command.Parameters.AddWithValue("settings", settings);
        command.Parameters.AddWithValue("replication_user", expected.ReplicationUser);
        await using var reader = await command.ExecuteReaderAsync(cancellation);

        await reader.ReadAsync(cancellation);
        var inRecovery = reader.GetBoolean(0);

        await reader.NextResultAsync(cancellation);
        var replication = new List<ReplicationRow>();
        while (await reader.ReadAsync(cancellation))
        {
            replication.Add(new ReplicationRow(
                reader.IsDBNull(0) ? "" : reader.GetString(0),
                reader.IsDBNull(1) ? "" : reader.GetString(1),
                reader.IsDBNull(2) ? "" : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetTimeSpan(4)));
        }

        await reader.NextResultAsync(cancellation);
        var slots = new List<SlotRow>();
        while (await reader.ReadAsync(cancellation))
            slots.Add(new SlotRow(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.IsDBNull(4) ? null : reader.GetString(4)));

        await reader.NextResultAsync(cancellation);
        var settingRows = new List<SettingRow>();
        while (await reader.ReadAsync(cancellation))
            settingRows.Add(new SettingRow(reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? "" : reader.GetString(4)));

        await reader.NextResultAsync(cancellation);
        var hba = new List<HbaFileRule>();
        while (await reader.ReadAsync(cancellation))
        {
            hba.Add(new HbaFileRule(
                reader.IsDBNull(0) ? null : reader.GetInt32(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? [] : reader.GetFieldValue<string[]>(2),
                reader.IsDBNull(3) ? [] : reader.GetFieldValue<string[]>(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        await reader.NextResultAsync(cancellation);
        var scheme = await reader.ReadAsync(cancellation)
            ? reader.GetString(0) switch
            {
                "scram" => PasswordScheme.ScramSha256,
                "md5" => PasswordScheme.Md5,
                "none" => PasswordScheme.None,
                _ => PasswordScheme.Other,
            }
            : PasswordScheme.RoleMissing;

        await reader.NextResultAsync(cancellation);
        await reader.ReadAsync(cancellation);
        var identity = new ClusterIdentity(reader.GetInt64(0), reader.GetInt32(1));

        return new PrimaryObservation(inRecovery, replication, slots, settingRows, hba, scheme, identity);
    }
}
