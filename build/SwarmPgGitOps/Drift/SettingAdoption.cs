using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Drift;

/// <summary>
/// Where a PostgreSQL setting is written in the environment file: its own key under postgres.settings, otherwise
/// postgres.settings.extra.&lt;name&gt;. Settings the pipeline derives (port, hba_file, synchronous_standby_names...) have no key.
/// </summary>
public static class SettingAdoption
{
    private static readonly HashSet<string> OwnKeys =
        ["wal_level", "max_wal_senders", "max_replication_slots", "max_slot_wal_keep_size", "hot_standby", "password_encryption"];

    public static (string Path, string Value)? For(LiveSetting setting)
    {
        var value = setting.Row.VarType == "bool" ? Bool(setting.Row.Setting) : setting.Row.Display;
        if (OwnKeys.Contains(setting.Name))
            return ($"postgres.settings.{setting.Name}", value);
        return EnvironmentValidator.IsManagedSetting(setting.Name) ? null : ($"postgres.settings.extra.{setting.Name}", setting.Row.Display);
    }

    /// <summary>hot_standby is a YAML boolean in the file; booleans in extra keep PostgreSQL's own "on"/"off".</summary>
    private static string Bool(string setting) => SettingComparison.ParseBool(setting) == true ? "true" : "false";
}
