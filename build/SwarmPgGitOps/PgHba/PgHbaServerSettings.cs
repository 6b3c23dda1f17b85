namespace SwarmPgGitOps.PgHba;

/// <summary>
/// What PostgreSQL's reading of pg_hba.conf depends on besides the file's text: whether ssl is on (a hostssl rule on a
/// server without SSL is loaded but logged as an error, and never matches), where the file is (an @file name is read
/// relative to its folder), and the files the server could read.
/// </summary>
public sealed record PgHbaServerSettings
{
    /// <summary>PostgreSQL's own defaults: ssl = off, and no file beside pg_hba.conf.</summary>
    public static readonly PgHbaServerSettings Default = new();

    public bool SslEnabled { get; init; }

    /// <summary>The path of pg_hba.conf on the server (@name is read from its folder).</summary>
    public string HbaFilePath { get; init; } = "pg_hba.conf";

    /// <summary>The text of a file on the server, by absolute path; null when the server could not open it.</summary>
    public Func<string, string?> ReadFile { get; init; } = _ => null;
}
