namespace SwarmPgGitOps.PgHba;

/// <summary>
/// What PostgreSQL's reading of pg_hba.conf depends on besides the file's text: whether ssl is on (a hostssl rule on a
/// server without SSL is loaded but logged as an error, and never matches), where the file is (an @file name is read
/// relative to its folder), the files the server could read, and the server's major version (where its reading
/// changed between majors).
/// </summary>
public sealed record PgHbaServerSettings
{
    /// <summary>PostgreSQL's own defaults: ssl = off, and no file beside pg_hba.conf.</summary>
    public static readonly PgHbaServerSettings Default = new();

    public bool SslEnabled { get; init; }

    /// <summary>The server's major version (postgres.major); 15 reads as every major from 13 to 15 does.</summary>
    public int Major { get; init; } = 15;

    /// <summary>The path of pg_hba.conf on the server (@name is read from its folder).</summary>
    public string HbaFilePath { get; init; } = "pg_hba.conf";

    /// <summary>
    /// Whether a name is a network interface of the server's machine (a zone such as fe80::1%eth0 names one). By default
    /// the interfaces of the machine running the check, which is the server's own only when the two are the same.
    /// </summary>
    public Func<string, bool> IsNetworkInterface { get; init; } = LocalNetworkInterface;

    /// <summary>The text of a file on the server, by absolute path; null when the server could not open it.</summary>
    public Func<string, string?> ReadFile { get; init; } = _ => null;

    private static bool LocalNetworkInterface(string name)
    {
        try
        {
            return System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Any(n => n.Name == name);
        }
        catch (System.Net.NetworkInformation.NetworkInformationException)
        {
            return false;
        }
    }
}
