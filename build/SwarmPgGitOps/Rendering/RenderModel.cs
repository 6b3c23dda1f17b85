using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Rendering;

// What the templates see. Scriban exposes members in snake_case: `primary.placement_constraints`.

public sealed record RenderModel(
    string Environment,
    string SourceFile,
    string Stack,
    string Image,
    int Major,
    string NetworkName,
    string NetworkSubnet,
    RenderService Primary,
    IReadOnlyList<RenderService> Replicas,
    IReadOnlyList<RenderSetting> Settings,
    IReadOnlyList<RenderHbaRule> HbaRules,
    IReadOnlyList<RenderSecret> Secrets,
    string ReplicationUser,
    int StopGracePeriodSeconds,
    int HealthStartPeriodSeconds,
    int UpdateMonitorSeconds)
{
    /// <summary>Set once the files that become Swarm configs are rendered: their names carry a hash of their content.</summary>
    public IReadOnlyList<RenderConfig> Configs { get; init; } = [];

    public static RenderModel From(EnvironmentDocument document)
    {
        var spec = document.Spec;
        return new RenderModel(
            Environment: document.Name,
            SourceFile: document.File,
            Stack: spec.Stack,
            Image: spec.Postgres.Image,
            Major: spec.Postgres.Major,
            NetworkName: spec.Network.Name,
            NetworkSubnet: spec.Network.Subnet,
            Primary: new RenderService(spec.Primary.Name, "primary", spec.Primary.Port, "", false, Constraints(spec.Primary.Placement)),
            Replicas: spec.Replicas
                .Select(r => new RenderService(r.Name, "replica", r.Port, r.Slot, r.Synchronous, Constraints(r.Placement)))
                .ToList(),
            Settings: PostgresSettings.For(spec),
            HbaRules: BuildHbaRules(spec),
            Secrets: SecretValues.Keys.Select(key => new RenderSecret(key, SecretName(spec.Stack, key))).ToList(),
            ReplicationUser: spec.Access.Replication.User,
            StopGracePeriodSeconds: spec.Deploy.StopGracePeriodSeconds,
            HealthStartPeriodSeconds: spec.Deploy.HealthStartPeriodSeconds,
            UpdateMonitorSeconds: spec.Deploy.UpdateMonitorSeconds);
    }

    /// <summary>
    /// The secret's name in stack.yml. Swarm secrets are immutable, so Deploy gives each value a name of its own by
    /// appending a fingerprint of it (see Swarm/DesiredStack.WithSecretValues); the artifacts never see a value.
    /// </summary>
    public static string SecretName(string stack, string key) => $"{stack}_{key}";

    private static IReadOnlyList<string> Constraints(Dictionary<string, string> placement) =>
        placement.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"node.labels.{p.Key} == {p.Value}").ToList();

    private static IReadOnlyList<RenderHbaRule> BuildHbaRules(EnvironmentSpec spec)
    {
        var superuser = "postgres";
        var rules = new List<RenderHbaRule>
        {
            new("local", "all", superuser, "", "peer", "", "built in: the entrypoint scripts, as the postgres system user"),
            new("host", "replication", spec.Access.Replication.User, spec.Access.Replication.Address ?? spec.Network.Subnet,
                "scram-sha-256", "", "access.replication: replicas, over the stack's overlay network"),
        };
        rules.AddRange(spec.Access.Rules.Select((r, i) => new RenderHbaRule(
            r.Type, r.Database, r.User, r.Address ?? "", r.Method,
            string.Join(" ", r.Options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={PgHba.HbaQuoting.RenderBare(o.Value)}")),
            $"access.rules[{i}]")));
        return rules;
    }
}

/// <summary>A PostgreSQL service of the stack: the primary, or one replica with its slot.</summary>
public sealed record RenderService(string Name, string Role, int Port, string Slot, bool Synchronous, IReadOnlyList<string> PlacementConstraints)
{
    public string VolumeName => $"{Name}_data";

    /// <summary>The secrets this service mounts: only those its entrypoint reads (<see cref="ServiceSecrets"/>).</summary>
    public IReadOnlyList<SecretMount> Secrets => ServiceSecrets.For(Role);
}

public sealed record RenderSetting(string Name, string Value);

/// <summary>One pg_hba.conf line; Origin says where it came from and is written above it as `# from: ...`.</summary>
public sealed record RenderHbaRule(string Type, string Database, string User, string Address, string Method, string Options, string Origin)
{
    public const string OriginPrefix = "# from: ";
}

public sealed record RenderSecret(string Key, string Name);

public sealed record RenderConfig(string Key, string Name, string File);
