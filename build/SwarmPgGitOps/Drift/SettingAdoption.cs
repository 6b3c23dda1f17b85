using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Rendering;

namespace SwarmPgGitOps.Drift;

/// <summary>
/// Where a PostgreSQL setting is written in the environment file (<see cref="PostgresSettings.EnvironmentKey"/>): its own key
/// under postgres.settings, otherwise postgres.settings.extra.&lt;name&gt;. Settings the pipeline derives (port, hba_file,
/// synchronous_standby_names...) have no key.
/// </summary>
public static class SettingAdoption
{
    public static (string Path, string Value)? For(LiveSetting setting, EnvironmentLayout layout = EnvironmentLayout.Classic) =>
        For(setting.Name, setting.Row.VarType == "bool" ? setting.Row.Setting : setting.Row.Display, setting.Row.VarType == "bool", layout);

    /// <summary>Where a setting with this live value would be written; <paramref name="boolean"/>: PostgreSQL reads it as on/off.</summary>
    public static (string Path, string Value)? For(string name, string value, bool boolean, EnvironmentLayout layout) => PostgresSettings.EnvironmentKey(name, layout) switch
    {
        null => null,
        var path when boolean && PostgresSettings.IsManaged(name, layout) => (path, Bool(value)),
        var path => (path, value),
    };

    /// <summary>hot_standby is a YAML boolean in the file; booleans in extra keep PostgreSQL's own "on"/"off".</summary>
    private static string Bool(string setting) => SettingComparison.ParseBool(setting) == true ? "true" : "false";
}
