namespace SwarmPgGitOps.Topology;

/// <summary>One connection string applications paste, in libpq's and Npgsql's forms, with placeholders for what git does not hold.</summary>
/// <param name="Purpose">What it is for, e.g. "read-write, through HAProxy".</param>
public sealed record ClientConnection(string Purpose, string Libpq, string Npgsql);

/// <summary>
/// The connection strings applications use (topology.md and connection-strings.md both show these): through HAProxy
/// when the environment runs it, read-write and read-only; then straight to every PostgreSQL instance that publishes a port, so that the
/// client finds the leader (read-write) or a replica (read-only) itself. Database, user and password are placeholders:
/// no password is ever written. An instance without connect_host is shown by its node. When the members serve TLS the
/// strings require it and verify the members' certificate against the environment's CA, kept by the application as
/// the file &lt;ca.crt&gt; (secrets.postgres_tls_ca).
/// </summary>
public static class ClientConnections
{
    private const string LibpqPlaceholders = "dbname=<database> user=<user> password=<password>";
    private const string NpgsqlPlaceholders = "Database=<database>;Username=<user>;Password=<password>";

    public static IReadOnlyList<ClientConnection> For(ClusterTopology topology)
    {
        var tls = topology.Tls;
        ClientConnection Connection(string purpose, string libpqHosts, string npgsqlHosts, string sessionAttributes) => new(purpose,
            $"{libpqHosts} {LibpqPlaceholders} target_session_attrs={sessionAttributes} connect_timeout=5{(tls ? " sslmode=verify-full sslrootcert=<ca.crt>" : "")}",
            $"{npgsqlHosts};{NpgsqlPlaceholders};Target Session Attributes={sessionAttributes};Timeout=5{(tls ? ";SSL Mode=VerifyFull;Root Certificate=<ca.crt>" : "")}");
        var connections = new List<ClientConnection>();
        if (topology.Proxy is { } proxy)
        {
            var hosts = string.Join(",", proxy.Hosts);
            connections.Add(Connection("read-write, through HAProxy", $"host={hosts} port={proxy.ReadWritePort}", $"Host={hosts};Port={proxy.ReadWritePort}", "read-write"));
            connections.Add(Connection("read-only, through HAProxy", $"host={hosts} port={proxy.ReadOnlyPort}", $"Host={hosts};Port={proxy.ReadOnlyPort}", "prefer-standby"));
        }
        // A member that publishes no port is reached through HAProxy only.
        var databases = topology.Databases.Where(d => d.Port is not null).ToList();
        if (databases.Count == 0)
            return connections;
        var libpq = $"host={string.Join(",", databases.Select(Host))} port={string.Join(",", databases.Select(d => d.Port))}";
        var npgsql = $"Host={string.Join(",", databases.Select(d => $"{Host(d)}:{d.Port}"))}";
        connections.Add(Connection("read-write, straight to the members", libpq, npgsql, "read-write"));
        connections.Add(Connection("read-only, straight to the members", libpq, npgsql, "prefer-standby"));
        return connections;
    }

    private static string Host(TopologyInstance instance) =>
        instance.ConnectHost ?? (instance.Nodes.Count == 1 ? $"<address of {instance.Nodes[0]}>" : $"<address of {instance.Name}'s node>");
}
