namespace SwarmPgGitOps.Postgres;

/// <summary>
/// A PostgreSQL service of the environment and where to reach it: from the environment's connect_host, or found in the swarm.
/// Host is null when it could not be found; Problem then says why.
/// </summary>
public sealed record PostgresTarget(string Name, string Service, string? Host, int Port, string Source, string? Problem = null)
{
    public string Endpoint => Host is null ? "unresolved" : $"{Host}:{Port}";
}
