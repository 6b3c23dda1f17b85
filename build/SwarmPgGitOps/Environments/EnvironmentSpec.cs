namespace SwarmPgGitOps.Environments;

// The shape of environments/<name>.yml. Keys are snake_case in YAML (stop_grace_period_seconds).
// `required` members must be present; the others have the defaults written here.
// A file has one of two layouts (EnvironmentLayouts decides which, and says at file:line:col when it has neither or both):
// classic (`primary` + `replicas`) or Patroni (`patroni` + `members` + `dcs`).

public sealed class EnvironmentSpec
{
    /// <summary>Whether production's stricter rules apply. Said by the file, never guessed from its name.</summary>
    public required bool Production { get; init; }
    public required string Stack { get; init; }
    public required SwarmSpec Swarm { get; init; }
    public required List<NodeSpec> Nodes { get; init; }
    public required PostgresSpec Postgres { get; init; }
    public PrimarySpec? Primary { get; init; }
    public List<ReplicaSpec>? Replicas { get; init; }
    public PatroniSpec? Patroni { get; init; }
    public List<MemberSpec>? Members { get; init; }
    public DcsSpec? Dcs { get; init; }
    /// <summary>Patroni layout: HAProxy on every node, with ports that follow the leader; none when absent.</summary>
    public EndpointsSpec? Endpoints { get; init; }
    /// <summary>Patroni layout: pgBackRest backups and WAL archiving; none when absent.</summary>
    public BackupSpec? Backup { get; init; }
    public required AccessSpec Access { get; init; }
    public required SecretsSpec Secrets { get; init; }
    public NetworkSpec Network { get; init; } = new();
    public SmokeSpec Smoke { get; init; } = new();
    public DeploySpec Deploy { get; init; } = new();

    /// <summary>The classic layout's services; throws when the file has the Patroni layout (or none).</summary>
    public ClassicTopology Classic() =>
        EnvironmentLayouts.Of(this) == EnvironmentLayout.Classic && Primary is { } primary && Replicas is { } replicas
            ? new ClassicTopology(primary, replicas)
            : throw new LayoutNotSupportedException(EnvironmentLayout.Classic, EnvironmentLayouts.Of(this));

    /// <summary>Patroni's cluster name (its keys in etcd): patroni.scope, else the stack's name.</summary>
    public string PatroniScope() => PatroniCluster().Patroni.Scope ?? Stack;

    /// <summary>The Patroni layout's members and DCS; throws when the file has the classic layout (or none).</summary>
    public PatroniTopology PatroniCluster() =>
        EnvironmentLayouts.Of(this) == EnvironmentLayout.Patroni && Patroni is { } patroni && Members is { } members && Dcs is { } dcs
            ? new PatroniTopology(patroni, members, dcs)
            : throw new LayoutNotSupportedException(EnvironmentLayout.Patroni, EnvironmentLayouts.Of(this));
}

public sealed record ClassicTopology(PrimarySpec Primary, List<ReplicaSpec> Replicas);

public sealed record PatroniTopology(PatroniSpec Patroni, List<MemberSpec> Members, DcsSpec Dcs);

public sealed class SwarmSpec
{
    /// <summary>DOCKER_HOST form: unix:///var/run/docker.sock or tcp://host:2376.</summary>
    public string? Endpoint { get; init; }
    /// <summary>Name of the environment variable that holds the endpoint (CI secrets).</summary>
    public string? EndpointEnv { get; init; }
    public TlsSpec? Tls { get; init; }
    /// <summary>
    /// How the pipeline's own connections reach PostgreSQL (Postgres/PostgresRoute): through_endpoint (relayed by a
    /// container of the stack, asked through this endpoint; nothing but the endpoint need be reachable) or
    /// published_ports (straight to each member's published port); null: the layout's default.
    /// </summary>
    public string? PostgresRoute { get; init; }
}

public sealed class TlsSpec
{
    /// <summary>Directory with ca.pem, cert.pem and key.pem (the docker CLI's DOCKER_CERT_PATH layout).</summary>
    public string? CertPath { get; init; }
    public string? CertPathEnv { get; init; }
    public bool Verify { get; init; } = true;
}

public sealed class NodeSpec
{
    public const string Manager = "manager";
    public const string Worker = "worker";

    public required string Name { get; init; }
    public required Dictionary<string, string> Labels { get; init; }
    /// <summary>The node's Swarm role as the file declares it (manager or worker), for the topology; null: not said.</summary>
    public string? Role { get; init; }
}

public sealed class PostgresSpec
{
    /// <summary>Image reference pinned by tag or digest; never `latest`.</summary>
    public required string Image { get; init; }
    public required int Major { get; init; }
    public required PostgresSettingsSpec Settings { get; init; }
}

public sealed class PostgresSettingsSpec
{
    public string WalLevel { get; init; } = "replica";
    public int MaxWalSenders { get; init; } = 10;
    public int MaxReplicationSlots { get; init; } = 10;
    public string MaxSlotWalKeepSize { get; init; } = "1GB";
    public bool HotStandby { get; init; } = true;
    public string PasswordEncryption { get; init; } = "scram-sha-256";
    public Dictionary<string, string> Extra { get; init; } = [];
}

public sealed class PrimarySpec
{
    public string Name { get; init; } = "primary";
    public required Dictionary<string, string> Placement { get; init; }
    public required int Port { get; init; }
    /// <summary>Address the pipeline connects to for checks; found from the swarm when absent.</summary>
    public string? ConnectHost { get; init; }
}

public sealed class ReplicaSpec
{
    public required string Name { get; init; }
    public required Dictionary<string, string> Placement { get; init; }
    public required int Port { get; init; }
    public required string Slot { get; init; }
    public bool Synchronous { get; init; }
    public string? ConnectHost { get; init; }
}

/// <summary>Patroni's cluster-wide settings; they become its dynamic configuration (bootstrap.dcs).</summary>
public sealed class PatroniSpec
{
    /// <summary>The Patroni cluster name (its etcd key prefix); the stack name when absent.</summary>
    public string? Scope { get; init; }
    /// <summary>The member git wants as leader; Deploy switches over to it.</summary>
    public required string PreferredLeader { get; init; }
    public int Ttl { get; init; } = 30;
    public int LoopWait { get; init; } = 10;
    public int RetryTimeout { get; init; } = 10;
    /// <summary>Bytes a replica may lag and still be promoted.</summary>
    public long MaximumLagOnFailover { get; init; } = 1048576;
    /// <summary>off, on or strict. A text, so that YAML's plain off and on stay words.</summary>
    public string Synchronous { get; init; } = "off";
    public int SynchronousNodeCount { get; init; } = 1;
}

/// <summary>One PostgreSQL member: a service of its own, pinned to a node; Patroni decides at run time which member leads.</summary>
public sealed class MemberSpec
{
    public required string Name { get; init; }
    public required Dictionary<string, string> Placement { get; init; }
    /// <summary>The port the member's PostgreSQL is published on, on its node (host mode); null: not published, reachable on the stack network only.</summary>
    public int? Port { get; init; }
    public string? ConnectHost { get; init; }
    /// <summary>An existing volume to adopt (a classic primary's data); &lt;name&gt;_data when absent.</summary>
    public string? Volume { get; init; }
}

/// <summary>Patroni's consensus store: etcd members as services of this stack, or external etcd client endpoints.</summary>
public sealed class DcsSpec
{
    public List<EtcdMemberSpec> Members { get; init; } = [];
    /// <summary>host:port of external etcd members.</summary>
    public List<string> Endpoints { get; init; } = [];
}

public sealed class EtcdMemberSpec
{
    public required string Name { get; init; }
    public required Dictionary<string, string> Placement { get; init; }
}

/// <summary>
/// The ports applications use (Patroni layout): HAProxy runs on every node of the swarm and routes the read-write port to
/// the leader, the read-only port to replicas that lag less than <see cref="MaxReplicaLagBytes"/>.
/// </summary>
public sealed class EndpointsSpec
{
    public required int ReadWritePort { get; init; }
    public required int ReadOnlyPort { get; init; }
    /// <summary>The node addresses applications connect to (and Smoke checks), one per node.</summary>
    public required List<string> Hosts { get; init; }
    public long MaxReplicaLagBytes { get; init; } = 16 * 1024 * 1024;
}

/// <summary>
/// pgBackRest (Patroni layout): a repository, WAL archiving from whichever member leads, and how old the newest backup
/// may be before Smoke fails. The stanza is Patroni's scope.
/// </summary>
public sealed class BackupSpec
{
    public required BackupRepositorySpec Repository { get; init; }
    /// <summary>PostgreSQL's archive_timeout: the longest a written transaction waits to be archived (the disaster-recovery RPO bound).</summary>
    public int ArchiveTimeoutSeconds { get; init; } = 60;
    /// <summary>Smoke fails when the newest backup is older than this.</summary>
    public int MaxBackupAgeHours { get; init; } = 26;
}

/// <summary>
/// Where backups are kept: a repository service of the stack (placement: its node, by label; its own volume; reached
/// through pgBackRest's TLS server), or an S3-compatible bucket (s3). Exactly one of the two.
/// </summary>
public sealed class BackupRepositorySpec
{
    public Dictionary<string, string>? Placement { get; init; }
    public S3RepositorySpec? S3 { get; init; }
    /// <summary>Full backups kept (pgBackRest repo1-retention-full); older ones and their WAL are expired.</summary>
    public int RetentionFull { get; init; } = 2;
    /// <summary>Differential backups kept (repo1-retention-diff); pgBackRest's default when absent.</summary>
    public int? RetentionDiff { get; init; }
}

/// <summary>An S3-compatible bucket (pgBackRest repo1-type=s3); its keys come from the secrets backup_s3_key and backup_s3_key_secret.</summary>
public sealed class S3RepositorySpec
{
    public required string Bucket { get; init; }
    public required string Endpoint { get; init; }
    public required string Region { get; init; }
    /// <summary>The repository's path inside the bucket.</summary>
    public string Path { get; init; } = "/pgbackrest";
    /// <summary>host (virtual-hosted, AWS's default) or path (MinIO and most self-hosted stores).</summary>
    public string UriStyle { get; init; } = "host";
}

public sealed class AccessSpec
{
    /// <summary>Allows 0.0.0.0/0 and ::/0 rules; an error in a production environment.</summary>
    public bool AllowAnyAddress { get; init; }
    public required ReplicationAccessSpec Replication { get; init; }
    public List<AccessRuleSpec> Rules { get; init; } = [];
}

public sealed class ReplicationAccessSpec
{
    public string User { get; init; } = "replicator";
    /// <summary>Where replicas connect from; the stack's overlay subnet when absent.</summary>
    public string? Address { get; init; }
}

public sealed class AccessRuleSpec
{
    public required string Type { get; init; }
    public required string Database { get; init; }
    public required string User { get; init; }
    public string? Address { get; init; }
    public required string Method { get; init; }
    public Dictionary<string, string> Options { get; init; } = [];
}

public sealed class SecretsSpec
{
    public required SecretSourceSpec SuperuserPassword { get; init; }
    public required SecretSourceSpec ReplicationPassword { get; init; }
    /// <summary>Patroni's REST API password (user `patroni`); required in the Patroni layout.</summary>
    public SecretSourceSpec? RestApiPassword { get; init; }
    /// <summary>The password of the role Smoke and Drift log in as (Postgres/MonitorRole; Patroni layout); required in production.</summary>
    public SecretSourceSpec? MonitorPassword { get; init; }
    /// <summary>The pgBackRest TLS servers' CA, certificate and key (PEM; build/certs/backup-tls.sh makes them); required with a repository service.</summary>
    public SecretSourceSpec? BackupTlsCa { get; init; }
    public SecretSourceSpec? BackupTlsCert { get; init; }
    public SecretSourceSpec? BackupTlsKey { get; init; }
    /// <summary>An S3 repository's access key and secret key; required with backup.repository.s3.</summary>
    public SecretSourceSpec? BackupS3Key { get; init; }
    public SecretSourceSpec? BackupS3KeySecret { get; init; }
    /// <summary>
    /// The PostgreSQL members' CA, certificate and key (PEM; README: "Security model" makes them): with them every member
    /// serves TLS, its network rules and replication are hostssl, and the pipeline verifies the members against the CA.
    /// Required in production.
    /// </summary>
    public SecretSourceSpec? PostgresTlsCa { get; init; }
    public SecretSourceSpec? PostgresTlsCert { get; init; }
    public SecretSourceSpec? PostgresTlsKey { get; init; }
}

/// <summary>Where a secret's value comes from: exactly one of env, file or generate. Never the value itself.</summary>
public sealed class SecretSourceSpec
{
    public string? Env { get; init; }
    public string? File { get; init; }
    /// <summary>A random value kept in the git-ignored .secrets/ folder (local lab only).</summary>
    public bool Generate { get; init; }
}

public sealed class NetworkSpec
{
    public string Name { get; init; } = "pgnet";
    public string Subnet { get; init; } = "10.201.0.0/24";
    /// <summary>
    /// Swarm encrypts the overlay's traffic between nodes (IPsec ESP, the `encrypted` driver option), applied when the
    /// network is created. Needs ESP in the nodes' kernels: the lab's has none (README: Security model).
    /// </summary>
    public bool Encrypted { get; init; }
}

public sealed class SmokeSpec
{
    public long MaxReplayLagBytes { get; init; } = 16 * 1024 * 1024;
    public int MaxReplayLagSeconds { get; init; } = 10;
    public int CanaryTimeoutSeconds { get; init; } = 30;
    public int ConnectTimeoutSeconds { get; init; } = 5;
    /// <summary>With PostgreSQL TLS: a member's certificate that expires sooner than this fails Smoke (tls.certificate).</summary>
    public int MinCertificateDays { get; init; } = 30;
}

public sealed class DeploySpec
{
    public int ConvergeTimeoutSeconds { get; init; } = 300;
    public int StopGracePeriodSeconds { get; init; } = 60;
    public int HealthStartPeriodSeconds { get; init; } = 120;
    /// <summary>How long Swarm watches a new task for failure before it counts an update as done (and rolls back if it fails).</summary>
    public int UpdateMonitorSeconds { get; init; } = 10;
    public int LockTimeoutSeconds { get; init; } = 600;
    /// <summary>The deploy lock's lease: renewed every third of it; a lease not renewed for this long is taken over by the next run.</summary>
    public int LockLeaseSeconds { get; init; } = 60;
}
