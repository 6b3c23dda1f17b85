using Npgsql;
using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Drift;

/// <summary>What drift reads from one PostgreSQL instance.</summary>
public sealed record DatabaseState(
    IReadOnlyList<LiveSetting> Settings,
    IReadOnlyList<HbaFileRule> HbaRules,
    IReadOnlyList<SlotRow> Slots,
    IReadOnlyList<ReplicationRow> Replication);

/// <summary>Reads an instance's settings (those the environment renders and any set with ALTER SYSTEM), pg_hba rules, slots and walsenders in one round trip.</summary>
public static class DatabaseProbe
{
    private const string Sql = $"""
        SELECT name, setting, unit, vartype, current_setting(name), boot_val, sourcefile
          FROM pg_settings WHERE name = ANY(@settings) OR sourcefile LIKE '%/{LiveSetting.AutoConfFile}';
        SELECT line_number, type, database, user_name, address, netmask, auth_method, options, error FROM pg_hba_file_rules ORDER BY line_number;
        SELECT slot_name, slot_type, active, temporary, wal_status FROM pg_replication_slots;
        SELECT application_name, state, sync_state FROM pg_stat_replication;
        """;

    public static async Task<DatabaseState> ReadAsync(NpgsqlConnection connection, IReadOnlyList<string> settings, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(Sql, connection);
        command.Parameters.AddWithValue("settings", settings.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellation);

        var live = new List<LiveSetting>();
        while (await reader.ReadAsync(cancellation))
        {
            var row = new SettingRow(reader.GetString(0), Text(reader, 1) ?? "", Text(reader, 2), reader.GetString(3), Text(reader, 4) ?? "");
            live.Add(new LiveSetting(row, Text(reader, 5), Text(reader, 6)));
        }

        await reader.NextResultAsync(cancellation);
        var hba = new List<HbaFileRule>();
        while (await reader.ReadAsync(cancellation))
        {
            hba.Add(new HbaFileRule(
                reader.IsDBNull(0) ? null : reader.GetInt32(0),
                Text(reader, 1),
                Array(reader, 2),
                Array(reader, 3),
                Text(reader, 4),
                Text(reader, 5),
                Text(reader, 6),
                Text(reader, 8),
                Array(reader, 7)));
        }

        await reader.NextResultAsync(cancellation);
        var slots = new List<SlotRow>();
        while (await reader.ReadAsync(cancellation))
            slots.Add(new SlotRow(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3), Text(reader, 4)));

        await reader.NextResultAsync(cancellation);
        var replication = new List<ReplicationRow>();
        while (await reader.ReadAsync(cancellation))
            replication.Add(new ReplicationRow(Text(reader, 0) ?? "", Text(reader, 1) ?? "", Text(reader, 2) ?? "", null, null));

        return new DatabaseState(live, hba, slots, replication);
    }

    private static string? Text(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    private static string[] Array(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? [] : reader.GetFieldValue<string[]>(column);
}
