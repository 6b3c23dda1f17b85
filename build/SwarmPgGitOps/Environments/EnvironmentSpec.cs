namespace SwarmPgGitOps.Environments;

// The shape of environments/<name>.yml. Keys are snake_case in YAML (stop_grace_period_seconds).
// `required` members must be present; the others have the defaults written here.

public sealed class EnvironmentSpec
{
    /// <summary>Whether production's stricter rules apply. Said by the file, never guessed from its name.</summary>
    public required bool Production { get; init; }
    public required string Stack { get; init; }
    public required SwarmSpec Swarm { get; init; }
    public required List<NodeSpec> Nodes { get; init; }
    public required PostgresSpec Postgres { get; init; }
    public required PrimarySpec Primary { get; init; }
    public required List<ReplicaSpec> Replicas { get; init; }
    public required AccessSpec Access { get; init; }
    public required SecretsSpec Secrets { get; init; }
    public NetworkSpec Network { get; init; } = new();
    public SmokeSpec Smoke { get; init; } = new();
    public DeploySpec Deploy { get; init; } = new();
}

public sealed class SwarmSpec
{
    /// <summary>DOCKER_HOST form: unix:///var/run/docker.sock or tcp://host:2376.</summary>
    public string? Endpoint { get; init; }
    /// <summary>Name of the environment variable that holds the endpoint (CI secrets).</summary>
    public string? EndpointEnv { get; init; }
    public TlsSpec? Tls { get; init; }
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
    public required string Name { get; init; }
    public required Dictionary<string, string> Labels { get; init; }
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
}

public sealed class SmokeSpec
{
    public long MaxReplayLagBytes { get; init; } = 16 * 1024 * 1024;
    public int MaxReplayLagSeconds { get; init; } = 10;
    public int CanaryTimeoutSeconds { get; init; } = 30;
    public int ConnectTimeoutSeconds { get; init; } = 5;
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
