using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Topology;

/// <summary>
/// What runs where, as the environment file says: the declared nodes, each PostgreSQL instance and etcd member on the
/// nodes its placement fits, the member that should lead (patroni.preferred_leader, or the classic primary), the stack
/// network, HAProxy when the environment has it, the backup repository (a service of the stack, or an S3 bucket), and
/// the connection strings applications use.
/// </summary>
/// <param name="ExternalBackup">The S3 bucket backups go to ("bucket at endpoint"), when the repository is not a service of the stack.</param>
/// <param name="Tls">The members serve TLS (Rendering/PostgresTls): clients verify them against the environment's CA.</param>
public sealed record ClusterTopology(
    string Environment,
    string SourceFile,
    string Stack,
    EnvironmentLayout Layout,
    string NetworkName,
    string NetworkSubnet,
    IReadOnlyList<TopologyNode> Nodes,
    IReadOnlyList<TopologyInstance> Instances,
    IReadOnlyList<string> ExternalEtcd,
    string Leader,
    TopologyProxy? Proxy,
    IReadOnlyList<ClientConnection> Connections,
    string? ExternalBackup = null,
    bool Tls = false)
{
    public IEnumerable<TopologyInstance> Databases => Instances.Where(i => i.Kind is not (InstanceKind.Etcd or InstanceKind.BackupRepository));

    public TopologyInstance? BackupRepository => Instances.FirstOrDefault(i => i.Kind == InstanceKind.BackupRepository);

    public static ClusterTopology From(EnvironmentDocument document)
    {
        var spec = document.Spec;
        var proxy = spec.Endpoints is { } endpoints ? new TopologyProxy(endpoints.ReadWritePort, endpoints.ReadOnlyPort, endpoints.Hosts) : null;
        var layout = EnvironmentLayouts.Of(spec) ?? EnvironmentLayout.Classic;
        var nodes = spec.Nodes.Select(n => new TopologyNode(n.Name, n.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}").ToList(), n.Role)).ToList();
        var instances = new List<TopologyInstance>();
        IReadOnlyList<string> externalEtcd = [];
        string leader;
        if (layout == EnvironmentLayout.Patroni)
        {
            var (patroni, members, dcs) = spec.PatroniCluster();
            leader = patroni.PreferredLeader;
            instances.AddRange(members.Select(m => new TopologyInstance(m.Name, InstanceKind.Member, m.Port, m.Volume ?? $"{m.Name}_data", NodesOf(spec, m.Placement), Describe(m.Placement), m.ConnectHost)));
            instances.AddRange(dcs.Members.Select(e => new TopologyInstance(e.Name, InstanceKind.Etcd, null, $"{e.Name}_data", NodesOf(spec, e.Placement), Describe(e.Placement), null)));
            externalEtcd = dcs.Endpoints;
            if (spec.Backup?.Repository.Placement is { } repository)
                instances.Add(new TopologyInstance(RenderBackup.ServiceName, InstanceKind.BackupRepository, null, RenderBackup.VolumeName, NodesOf(spec, repository), Describe(repository), null));
        }
        else
        {
            var (primary, replicas) = spec.Classic();
            leader = primary.Name;
            instances.Add(new TopologyInstance(primary.Name, InstanceKind.Primary, primary.Port, $"{primary.Name}_data", NodesOf(spec, primary.Placement), Describe(primary.Placement), primary.ConnectHost));
            instances.AddRange(replicas.Select(r => new TopologyInstance(r.Name, r.Synchronous ? InstanceKind.SynchronousReplica : InstanceKind.Replica, r.Port, $"{r.Name}_data",
                NodesOf(spec, r.Placement), Describe(r.Placement), r.ConnectHost)));
        }
        var bucket = spec.Backup?.Repository.S3 is { } s3 ? $"{s3.Bucket} at {s3.Endpoint}" : null;
        var topology = new ClusterTopology(document.Name, document.File, spec.Stack, layout, spec.Network.Name, spec.Network.Subnet, nodes, instances, externalEtcd, leader, proxy, [], bucket,
            PostgresTls.IsOn(spec));
        return topology with { Connections = ClientConnections.For(topology) };
    }

    private static IReadOnlyList<string> NodesOf(EnvironmentSpec spec, Dictionary<string, string> placement) =>
        spec.Nodes.Where(n => EnvironmentValidator.Matches(n, placement)).Select(n => n.Name).ToList();

    private static string Describe(Dictionary<string, string> placement) => EnvironmentValidator.Describe(placement);
}

/// <summary>A node the environment declares, with its labels ("key=value").</summary>
/// <param name="Role">manager or worker, as the file declares it; null when it does not.</param>
public sealed record TopologyNode(string Name, IReadOnlyList<string> Labels, string? Role = null);

public enum InstanceKind
{
    /// <summary>A PostgreSQL member run by Patroni.</summary>
    Member,
    Etcd,
    /// <summary>pgBackRest's repository service: backups and archived WAL on its own volume.</summary>
    BackupRepository,
    Primary,
    Replica,
    SynchronousReplica,
}

/// <summary>
/// A service of the stack and the declared nodes its placement fits (one when the file pins it, several or none otherwise).
/// <paramref name="Port"/> is the published PostgreSQL port; <paramref name="ConnectHost"/> the address applications reach it at, when the file names it.
/// </summary>
public sealed record TopologyInstance(string Name, InstanceKind Kind, int? Port, string Volume, IReadOnlyList<string> Nodes, string Placement, string? ConnectHost);

/// <summary>HAProxy on every node: a read-write port that leads to the leader, a read-only port to the replicas.</summary>
public sealed record TopologyProxy(int ReadWritePort, int ReadOnlyPort, IReadOnlyList<string> Hosts);

