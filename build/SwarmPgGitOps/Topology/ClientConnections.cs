namespace SwarmPgGitOps.Topology;

/// <summary>
/// The connection strings applications use, in libpq's form, with placeholders for what git does not hold (database,
/// user, password): through HAProxy when the environment runs it, else every PostgreSQL instance listed so the client
/// finds the leader (read-write) or a replica (read-only) itself. A member without connect_host is shown by its node.
/// </summary>
public static class ClientConnections
{
    private const string Placeholders = "dbname=<database> user=<user> password=<password>";

    public static IReadOnlyList<ClientConnection> For(ClusterTopology topology)
    {
        if (topology.Proxy is { } proxy)
        {
            var hosts = string.Join(",", proxy.Hosts);
            return
            [
                new("read-write, through HAProxy", $"host={hosts} port={proxy.ReadWritePort} {Placeholders} target_session_attrs=read-write connect_timeout=5"),
                new("read-only, through HAProxy", $"host={hosts} port={proxy.ReadOnlyPort} {Placeholders} target_session_attrs=prefer-standby connect_timeout=5"),
            ];
        }
        var databases = topology.Databases.ToList();
        var all = $"host={string.Join(",", databases.Select(Host))} port={string.Join(",", databases.Select(d => d.Port))}";
        return
        [
            new("read-write", $"{all} {Placeholders} target_session_attrs=read-write connect_timeout=5"),
            new("read-only", $"{all} {Placeholders} target_session_attrs=prefer-standby connect_timeout=5"),
        ];
    }

    private static string Host(TopologyInstance instance) =>
        instance.ConnectHost ?? (instance.Nodes.Count == 1 ? $"<address of {instance.Nodes[0]}>" : $"<address of {instance.Name}'s node>");
}
