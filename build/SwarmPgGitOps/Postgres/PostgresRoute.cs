using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Postgres;

/// <summary>
/// How the pipeline's own connections reach PostgreSQL, the one place that decides it (swarm.postgres_route):
/// through the Docker endpoint (<see cref="EndpointTunnel"/>: a runner that reaches the manager's endpoint and nothing
/// else passes Smoke and Drift, and pg_hba admits only the stack network), or straight to each member's published port.
/// </summary>
public static class PostgresRoute
{
    public const string ThroughEndpoint = "through_endpoint";
    public const string PublishedPorts = "published_ports";
    public static IReadOnlyList<string> Values { get; } = [ThroughEndpoint, PublishedPorts];

    /// <summary>The file's choice; otherwise through the endpoint in the Patroni layout (its containers run the relay), published ports in the classic one.</summary>
    public static string Of(EnvironmentSpec spec) =>
        spec.Swarm.PostgresRoute ?? (EnvironmentLayouts.Of(spec) == EnvironmentLayout.Patroni ? ThroughEndpoint : PublishedPorts);

    public static bool IsThroughEndpoint(EnvironmentSpec spec) => Of(spec) == ThroughEndpoint;
}

/// <summary>The route to PostgreSQL through the endpoint failed: <see cref="IsTransient"/> says whether another attempt may do better.</summary>
public sealed class PostgresRouteException(string message, bool transient) : Npgsql.NpgsqlException(message)
{
    public override bool IsTransient => transient;
}
