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
    bool NetworkEncrypted,
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
    public string CanaryTableSql => Postgres.CanaryProbe.CreateTable;

    /// <summary>Set once the files that become Swarm configs are rendered: their names carry a hash of their content.</summary>
    public IReadOnlyList<RenderConfig> Configs { get; init; } = [];

    public static RenderModel From(EnvironmentDocument document)
    {
        var spec = document.Spec;
        var (primary, replicas) = spec.Classic();
        var services = replicas
            .Select(r => new RenderService(r.Name, "replica", r.Port, r.Slot, r.Synchronous, Constraints(r.Placement)))
            .Prepend(new RenderService(primary.Name, "primary", primary.Port, "", false, Constraints(primary.Placement)))
            .ToList();
        return new RenderModel(
            Environment: document.Name,
            SourceFile: document.File,
            Stack: spec.Stack,
            Image: spec.Postgres.Image,
            Major: spec.Postgres.Major,
            NetworkName: spec.Network.Name,
            NetworkSubnet: spec.Network.Subnet,
            NetworkEncrypted: spec.Network.Encrypted,
            Primary: services[0],
            Replicas: services[1..],
            Settings: PostgresSettings.For(spec),
            HbaRules: BuildHbaRules(spec),
            Secrets: StackSecrets(spec.Stack, services.Select(s => s.Role)),
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

    /// <summary>The secrets the stack defines: those its services mount, in <see cref="SecretValues.Keys"/> order.</summary>
    internal static IReadOnlyList<RenderSecret> StackSecrets(string stack, IEnumerable<string> roles, IReadOnlyList<string>? optionalKeys = null)
    {
        var mounted = roles.SelectMany(role => ServiceSecrets.For(role, optionalKeys)).Select(m => m.Key).ToHashSet(StringComparer.Ordinal);
        return SecretValues.Keys.Where(mounted.Contains).Select(key => new RenderSecret(key, SecretName(stack, key))).ToList();
    }

    /// <summary>
    /// Connections through HAProxy (endpoints) reach a member from HAProxy's address on the stack network, not the
    /// client's: each network access rule is repeated for that network, with its database, user, method and options.
    /// Rules the built-in lines already grant are left out.
    /// </summary>
    private static IEnumerable<RenderHbaRule> ThroughHaproxy(IReadOnlyList<RenderHbaRule> access, IReadOnlyList<RenderHbaRule> builtIn, string subnet)
    {
        var granted = builtIn.Select(Grant).ToHashSet();
        foreach (var rule in access.Where(r => r.Address.Length > 0 && r.Type.StartsWith("host", StringComparison.Ordinal)))
        {
            var proxied = rule with { Address = subnet, Origin = $"{rule.Origin}, through HAProxy (endpoints): its connections come from the stack's overlay network" };
            if (granted.Add(Grant(proxied)))
                yield return proxied;
        }

        static string Grant(RenderHbaRule r) => $"{r.Type} {r.Database} {r.User} {r.Address} {r.Method} {r.Options}";
    }

    internal static IReadOnlyList<string> Constraints(Dictionary<string, string> placement) =>
        placement.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"node.labels.{p.Key} == {p.Value}").ToList();

    /// <summary>pg_hba.conf: the built-in lines each layout needs, then the access rules.</summary>
    internal static IReadOnlyList<RenderHbaRule> BuildHbaRules(EnvironmentSpec spec)
    {
        var superuser = "postgres";
        var patroni = EnvironmentLayouts.Of(spec) == EnvironmentLayout.Patroni;
        var rules = new List<RenderHbaRule>
        {
            patroni
                ? new("local", "all", superuser, "", "peer", "", "built in: Patroni, as the postgres system user")
                : new("local", "all", superuser, "", "peer", "", "built in: the entrypoint scripts, as the postgres system user"),
            new(PostgresTls.HostRuleType(spec), "replication", spec.Access.Replication.User, spec.Access.Replication.Address ?? spec.Network.Subnet,
                "scram-sha-256", "", patroni ? "access.replication: members, over the stack's overlay network" : "access.replication: replicas, over the stack's overlay network"),
        };
        if (patroni)
        {
            rules.Add(new("local", "replication", spec.Access.Replication.User, "", "scram-sha-256", "", "built in: Patroni's own replication check on this member, through the socket"));
            rules.Add(new(PostgresTls.HostRuleType(spec), "all", superuser, spec.Network.Subnet, "scram-sha-256", "", "built in: pg_rewind and Patroni's checks between members, over the stack's overlay network"));
            if (Postgres.MonitorRole.IsOn(spec))
                rules.Add(new(PostgresTls.HostRuleType(spec), "postgres", Postgres.MonitorRole.Name, spec.Network.Subnet, "scram-sha-256", "",
                    "built in: the pipeline's checks (Smoke, Drift), relayed on the stack's overlay network"));
        }
        var access = spec.Access.Rules.Select((r, i) => new RenderHbaRule(
            r.Type, r.Database, r.User, r.Address ?? "", r.Method,
            string.Join(" ", r.Options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={PgHba.HbaQuoting.RenderBare(o.Value)}")),
            $"access.rules[{i}]")).ToList();
        if (patroni && spec.Endpoints is not null)
            rules.AddRange(ThroughHaproxy(access, rules, spec.Network.Subnet));
        rules.AddRange(access);
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
