using Npgsql;

namespace SwarmPgGitOps.LabTests;

/// <summary>How lab tests reach a stack's PostgreSQL servers as the superuser: one server, or every one with the writable one found by the client.</summary>
public static class LabConnections
{
    public static NpgsqlConnection Superuser(string host, int port, string password) => new(new NpgsqlConnectionStringBuilder
    {
        Host = host,
        Port = port,
        Username = "postgres",
        Password = password,
        Database = "postgres",
        Timeout = 5,
        Pooling = false,
    }.ConnectionString);

    /// <summary>
    /// Every server's host and port for a client that finds the writable one itself (target_session_attrs=read-write),
    /// without Npgsql's host-state cache: by default Npgsql skips, for 10 s, a host it last saw down or read-only, which
    /// would hide a leader that is back and inflate the write gaps measured.
    /// </summary>
    public static string ReadWrite(IEnumerable<(string Host, int Port)> servers, string password, int timeoutSeconds) => new NpgsqlConnectionStringBuilder
    {
        Host = string.Join(",", servers.Select(s => $"{s.Host}:{s.Port}")),
        Username = "postgres",
        Password = password,
        Database = "postgres",
        Timeout = timeoutSeconds,
        CommandTimeout = timeoutSeconds,
        TargetSessionAttributes = "read-write",
        HostRecheckSeconds = 0,
        Pooling = false,
    }.ConnectionString;
}
