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
    public static (string Path, string Value)? For(LiveSetting setting) => PostgresSettings.EnvironmentKey(setting.Name) switch
    {
        null => null,
        var path when PostgresSettings.IsManaged(setting.Name, EnvironmentLayout.Classic) && setting.Row.VarType == "bool" => (path, Bool(setting.Row.Setting)),
        var path => (path, setting.Row.Display),
    };

    /// <summary>hot_standby is a YAML boolean in the file; booleans in extra keep PostgreSQL's own "on"/"off".</summary>
    private static string Bool(string setting) => SettingComparison.ParseBool(setting) == true ? "true" : "false";
}
