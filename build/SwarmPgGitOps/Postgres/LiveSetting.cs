namespace SwarmPgGitOps.Postgres;

/// <summary>
/// A row of pg_settings in full: the value (<see cref="SettingRow"/>), PostgreSQL's built-in default in the
/// same base unit, and the file it was set in, which is postgresql.auto.conf for a value set with ALTER SYSTEM.
/// </summary>
public sealed record LiveSetting(SettingRow Row, string? BootValue, string? SourceFile)
{
    public const string AutoConfFile = "postgresql.auto.conf";

    public string Name => Row.Name;

    public bool SetWithAlterSystem => SourceFile is { } file && Path.GetFileName(file) == AutoConfFile;

    public string Default => BootValue is null ? "" : SettingComparison.Display(BootValue, Row.Unit);
}
