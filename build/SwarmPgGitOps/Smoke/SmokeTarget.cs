namespace SwarmPgGitOps.Smoke;

/// <summary>
/// A PostgreSQL service to check and where to reach it: from the environment's connect_host, or found in the swarm.
/// Host is null when it could not be found; Problem then says why.
/// </summary>
public sealed record SmokeTarget(string Name, string Service, string? Host, int Port, string Source, string? Problem = null)
{
    public string Endpoint => Host is null ? "unresolved" : $"{Host}:{Port}";
}
