using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Rendering;

// What the Patroni layout's templates see (templates/patroni-stack.yml.sbn, patroni.yml.sbn, member.sh.sbn, pg_hba.conf.sbn).

public sealed record PatroniRenderModel(
    string Environment,
    string SourceFile,
    string Stack,
    string Scope,
    string Image,
    int Major,
    string NetworkName,
    string NetworkSubnet,
    bool NetworkEncrypted,
    IReadOnlyList<RenderEtcdMember> EtcdMembers,
    string EtcdInitialCluster,
    IReadOnlyList<string> EtcdHosts,
    IReadOnlyList<RenderMember> Members,
    IReadOnlyList<string> DynamicConfigLines,
    IReadOnlyList<RenderSetting> LocalSettings,
    IReadOnlyList<RenderHbaRule> HbaRules,
    IReadOnlyList<RenderSecret> Secrets,
    string ReplicationUser,
    int StopGracePeriodSeconds,
    int HealthStartPeriodSeconds,
    int UpdateMonitorSeconds,
    RenderEndpoints? Endpoints,
    RenderBackup? Backup,
    IReadOnlyList<Topology.ClientConnection> Connections,
    RenderTls? Tls)
{
    public int EtcdClientPort => EtcdPorts.Client;
    public int BackupTlsPort => RenderBackup.TlsPort;
    public int EtcdPeerPort => EtcdPorts.Peer;
    public int RestApiPort => PatroniPorts.RestApi;

    public string CanaryTableSql => Postgres.CanaryProbe.CreateTable;
    public string MonitorSetupSql => Postgres.MonitorRole.SetupSql;
    public string MonitorRole => Postgres.MonitorRole.Name;

    /// <summary>Set once the files that become Swarm configs are rendered: their names carry a hash of their content.</summary>
    public IReadOnlyList<RenderConfig> Configs { get; init; } = [];

    /// <summary>The member whose patroni.yml is being rendered.</summary>
    public RenderMember? Member { get; init; }

    /// <summary>Where Patroni (and the pipeline, from inside a member) reaches etcd: the stack's etcd services, or the external endpoints.</summary>
    public static IReadOnlyList<string> EtcdHostsOf(DcsSpec dcs) =>
        dcs.Members.Count > 0 ? dcs.Members.Select(e => $"{e.Name}:{EtcdPorts.Client}").ToList() : dcs.Endpoints;

    public static PatroniRenderModel From(EnvironmentDocument document, string dynamicConfig)
    {
        var spec = document.Spec;
        var (patroni, members, dcs) = spec.PatroniCluster();
        var etcd = dcs.Members.Select(m => new RenderEtcdMember(m.Name, RenderModel.Constraints(m.Placement))).ToList();
        var memberKeys = ServiceSecrets.OptionalKeysOf(spec);
        var rendered = members.Select(m => new RenderMember(m.Name, m.Port, RenderModel.Constraints(m.Placement), m.Volume ?? $"{m.Name}_data",
            Patroni.MemberRollout.MayInitialise(m.Name, patroni.PreferredLeader), memberKeys)).ToList();
        var backup = RenderBackup.From(spec, rendered);
        return new PatroniRenderModel(
            Environment: document.Name,
            SourceFile: document.File,
            Stack: spec.Stack,
            Scope: spec.PatroniScope(),
            Image: spec.Postgres.Image,
            Major: spec.Postgres.Major,
            NetworkName: spec.Network.Name,
            NetworkSubnet: spec.Network.Subnet,
            NetworkEncrypted: spec.Network.Encrypted,
            EtcdMembers: etcd,
            EtcdInitialCluster: string.Join(",", etcd.Select(e => $"{e.Name}=http://{e.Name}:{EtcdPorts.Peer}")),
            EtcdHosts: EtcdHostsOf(dcs),
            Members: rendered,
            DynamicConfigLines: dynamicConfig.TrimEnd('\n').Split('\n'),
            LocalSettings: PostgresSettings.PatroniLocal(spec),
            HbaRules: RenderModel.BuildHbaRules(spec),
            Secrets: RenderModel.StackSecrets(spec.Stack, backup is { HasRepositoryService: true } ? ["member", RenderBackup.Role] : ["member"], memberKeys),
            ReplicationUser: spec.Access.Replication.User,
            StopGracePeriodSeconds: spec.Deploy.StopGracePeriodSeconds,
            HealthStartPeriodSeconds: spec.Deploy.HealthStartPeriodSeconds,
            UpdateMonitorSeconds: spec.Deploy.UpdateMonitorSeconds,
            Endpoints: spec.Endpoints is { } e ? new RenderEndpoints(e.ReadWritePort, e.ReadOnlyPort, e.Hosts, e.MaxReplicaLagBytes) : null,
            Backup: backup,
            Connections: Topology.ClientConnections.For(Topology.ClusterTopology.From(document)),
            Tls: PostgresTls.IsOn(spec) ? new RenderTls(PostgresTls.CaFile) : null);
    }
}

/// <summary>
/// HAProxy on every node (a global service): the read-write port to the member whose Patroni answers 200 on /primary, the
/// read-only port to those answering 200 on /replica?lag=. Hosts are the node addresses applications connect to.
/// </summary>
public sealed record RenderEndpoints(int ReadWritePort, int ReadOnlyPort, IReadOnlyList<string> Hosts, long MaxReplicaLagBytes)
{
    public const string ServiceName = "haproxy";
    public const string Role = "haproxy";
    public const string ConfigKey = "haproxy_cfg";
    public const string ConfigFile = "haproxy.cfg";
    /// <summary>HAProxy's own health page (monitor-uri), on the stack network only: the service's healthcheck asks it.</summary>
    public const int MonitorPort = 8404;
    public int HealthPort => MonitorPort;
    public string HostList => string.Join(",", Hosts);
}

/// <summary>TLS between the members: the CA file Patroni's connections to another member verify its certificate against.</summary>
public sealed record RenderTls(string CaFile);

/// <summary>Patroni's REST API port (its usual one), on the stack network only.</summary>
public static class PatroniPorts
{
    public const int RestApi = 8008;
}

/// <summary>etcd's default ports, used on the stack network only.</summary>
public static class EtcdPorts
{
    public const int Client = 2379;
    public const int Peer = 2380;
}

/// <summary>An etcd member run as a service of the stack, with its own volume.</summary>
public sealed record RenderEtcdMember(string Name, IReadOnlyList<string> PlacementConstraints)
{
    public string Role => "etcd";
    public string VolumeName => $"{Name}_data";
}

/// <summary>
/// A PostgreSQL member run by Patroni: its own service, volume and patroni.yml (config key patroni_&lt;name&gt;);
/// <paramref name="Initialises"/>: it mounts the bootstrap configuration (<see cref="Patroni.MemberRollout.MayInitialise"/>).
/// </summary>
public sealed record RenderMember(string Name, int? Port, IReadOnlyList<string> PlacementConstraints, string VolumeName, bool Initialises,
    IReadOnlyList<string>? OptionalKeys = null)
{
    public string Role => "member";
    public string ConfigKey => $"patroni_{Name}";
    public string ConfigFile => $"patroni-{Name}.yml";
    public IReadOnlyList<SecretMount> Secrets => ServiceSecrets.For(Role, OptionalKeys);
}
