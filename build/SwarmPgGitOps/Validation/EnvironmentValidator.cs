using System.Net;
using System.Text.RegularExpressions;
using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Secrets;

namespace SwarmPgGitOps.Validation;

/// <summary>Cross-checks of one environment file that its schema alone cannot express. Reports every problem, each at its key.</summary>
public static partial class EnvironmentValidator
{
    private const int OldestSupportedMajor = 13; // max_slot_wal_keep_size exists from 13 on

    public static IReadOnlyList<Diagnostic> Validate(EnvironmentDocument document)
    {
        var errors = new List<Diagnostic>();
        var spec = document.Spec;
        var map = document.Map;

        errors.AddRange(EnvironmentLayouts.Check(document));
        var layout = EnvironmentLayouts.Of(spec);

        CheckNames(spec, map, errors);
        if (layout == EnvironmentLayout.Classic)
        {
            CheckClassicServices(spec, map, errors);
            CheckSynchronousReplicas(spec.Classic().Replicas, map, errors);
            if (spec.Endpoints is not null)
                errors.Add(map.Error("endpoints", "endpoints belong to the Patroni layout: the classic primary is reached at its own port",
                    "remove endpoints, or move the file to the Patroni layout (members, patroni, dcs)"));
        }
        else if (layout == EnvironmentLayout.Patroni)
            errors.AddRange(PatroniValidator.Validate(document));
        CheckSwarm(document, errors);
        CheckImage(spec.Postgres, map, errors);
        CheckSettings(document, layout ?? EnvironmentLayout.Classic, errors);
        CheckSecrets(document, layout, errors);
        errors.AddRange(BackupValidator.Validate(document, layout));
        CheckNetwork(document, spec, map, errors);
        CheckAccess(document, errors);
        CheckLimits(spec, map, errors);
        return errors;
    }

    private static void CheckNames(EnvironmentSpec spec, SourceMap map, List<Diagnostic> errors)
    {
        if (!StackName().IsMatch(spec.Stack))
            errors.Add(map.Error("stack", $"stack name {Quote("stack", spec.Stack)} is not valid", "use lowercase letters, digits, '-' and '_', starting with a letter or digit"));

        var nodes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Nodes.Count; i++)
        {
            var path = $"nodes[{i}].name";
            if (!nodes.TryAdd(spec.Nodes[i].Name, path))
                errors.Add(map.Error(path, $"{path} {Quote(path, spec.Nodes[i].Name)} is used twice", $"{nodes[spec.Nodes[i].Name]} uses it already: list every node once, with all its labels"));
            var role = $"nodes[{i}].role";
            if (spec.Nodes[i].Role is { } declared && declared is not (NodeSpec.Manager or NodeSpec.Worker))
                errors.Add(map.Error(role, $"{role} {Quote(role, declared)} is not a Swarm role", $"write {NodeSpec.Manager} or {NodeSpec.Worker} (docker node ls shows each node's), or leave the key out"));
        }
    }

    /// <summary>The classic layout: the primary's and replicas' names and slots, placements, ports and the WAL senders and slots they need.</summary>
    private static void CheckClassicServices(EnvironmentSpec spec, SourceMap map, List<Diagnostic> errors)
    {
        var (primary, replicas) = spec.Classic();
        var services = new ServiceNames(map, errors);
        services.Add(primary.Name, "primary.name");
        for (var i = 0; i < replicas.Count; i++)
            services.Add(replicas[i].Name, $"replicas[{i}].name");

        var slots = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < replicas.Count; i++)
        {
            var slot = replicas[i].Slot;
            var path = $"replicas[{i}].slot";
            if (!SlotName().IsMatch(slot))
                errors.Add(map.Error(path, $"{path} {Quote(path, slot)} is not a valid replication slot name", "use 1 to 63 lowercase letters, digits and '_'"));
            else if (!slots.TryAdd(slot, path))
                errors.Add(map.Error(path, $"{path} {Quote(path, slot)} is used twice", $"{slots[slot]} uses it already: give every replica its own slot"));
        }

        if (replicas.Count == 0)
            errors.Add(map.Error("replicas", "replicas is empty", "a streaming-replication cluster needs at least one replica"));

        var placed = new List<PlacedService> { new("primary", primary.Name, primary.Placement, primary.Port) };
        placed.AddRange(replicas.Select((r, i) => new PlacedService($"replicas[{i}]", r.Name, r.Placement, r.Port)));
        CheckPlacementAndPorts(placed, spec, map, errors);
        CheckStreamingLimits(spec, map, errors, replicas.Count);
    }

    /// <summary>The names of the stack's services: valid DNS labels, each used once.</summary>
    internal sealed class ServiceNames(SourceMap map, List<Diagnostic> errors)
    {
        private readonly Dictionary<string, string> _services = new(StringComparer.Ordinal);

        public void Add(string name, string path)
        {
            if (!ServiceName().IsMatch(name))
                errors.Add(map.Error(path, $"{path} {Quote(path, name)} is not a valid service name", "use lowercase letters, digits and '-', starting with a letter and not ending with '-' (it becomes a DNS name)"));
            else if (!_services.TryAdd(name, path))
                errors.Add(map.Error(path, $"{path} {Quote(path, name)} is used twice", $"{_services[name]} uses it already: service names must be unique"));
        }
    }

    /// <summary>A service placed by node labels; Port is its published host-mode port, if it has one.</summary>
    internal sealed record PlacedService(string Path, string Name, Dictionary<string, string> Placement, int? Port);

    private static void CheckSwarm(EnvironmentDocument document, List<Diagnostic> errors)
    {
        var swarm = document.Spec.Swarm;
        var map = document.Map;
        if ((swarm.Endpoint is null) == (swarm.EndpointEnv is null))
        {
            errors.Add(map.Error("swarm", "swarm needs exactly one of 'endpoint' and 'endpoint_env'", "write the DOCKER_HOST value, or the name of the variable that holds it in CI"));
            return;
        }
        if (swarm.EndpointEnv is not null && !EnvironmentVariableName().IsMatch(swarm.EndpointEnv))
            errors.Add(map.Error("swarm.endpoint_env", $"swarm.endpoint_env {Quote("swarm.endpoint_env", swarm.EndpointEnv)} is not an environment variable name", "use uppercase letters, digits and '_'"));

        if (swarm.Endpoint is { } endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("unix" or "tcp" or "npipe"))
                errors.Add(map.Error("swarm.endpoint", $"swarm.endpoint {Quote("swarm.endpoint", endpoint)} is not a Docker endpoint", "write unix:///path/to/docker.sock or tcp://host:2376"));
            else if (uri.Scheme == "tcp" && swarm.Tls is null)
                errors.Add(map.Error("swarm.endpoint", $"swarm.endpoint {Quote("swarm.endpoint", endpoint)} is plain TCP without TLS", "an open Docker API is root on the node: add swarm.tls with the client certificate"));
        }

        if (swarm.Tls is { } tls && (tls.CertPath is null) == (tls.CertPathEnv is null))
            errors.Add(map.Error("swarm.tls", "swarm.tls needs exactly one of 'cert_path' and 'cert_path_env'", "name the folder with ca.pem, cert.pem and key.pem, or the variable that holds it"));
        if (swarm.Tls?.CertPathEnv is { } certEnv && !EnvironmentVariableName().IsMatch(certEnv))
            errors.Add(map.Error("swarm.tls.cert_path_env", $"swarm.tls.cert_path_env {Quote("swarm.tls.cert_path_env", certEnv)} is not an environment variable name", "use uppercase letters, digits and '_'"));
        if (swarm.Tls is { Verify: false } && document.IsProduction)
            errors.Add(map.Error("swarm.tls.verify", "swarm.tls.verify is false in a production environment", "verify the manager's certificate in production"));
        CheckPostgresRoute(document, errors);
    }

    /// <summary>swarm.postgres_route: a known route, one the layout can take, and in production the one that needs nothing but the endpoint.</summary>
    private static void CheckPostgresRoute(EnvironmentDocument document, List<Diagnostic> errors)
    {
        const string at = "swarm.postgres_route";
        var spec = document.Spec;
        var map = document.Map;
        if (spec.Swarm.PostgresRoute is { } access && !Postgres.PostgresRoute.Values.Contains(access))
        {
            errors.Add(map.Error(at, $"{at} {Quote(at, access)} is not a route", $"write {string.Join(" or ", Postgres.PostgresRoute.Values)}"));
            return;
        }
        var layout = EnvironmentLayouts.Of(spec);
        var through = Postgres.PostgresRoute.IsThroughEndpoint(spec);
        if (through && layout == EnvironmentLayout.Classic)
            errors.Add(map.Error(at, $"{at} {Postgres.PostgresRoute.ThroughEndpoint} needs the Patroni layout: the relay runs in its image",
                $"write {Postgres.PostgresRoute.PublishedPorts}, or move the file to the Patroni layout (members, patroni, dcs)"));
        if (!through && layout == EnvironmentLayout.Patroni && document.IsProduction)
            errors.Add(map.Error(at, $"production's {at} is {Postgres.PostgresRoute.PublishedPorts}: its pg_hba would have to admit the CI runner",
                $"remove the key: the pipeline then reaches the members through the Docker endpoint alone (README: Security model)"));
        if (!through && layout == EnvironmentLayout.Patroni)
        {
            var members = spec.PatroniCluster().Members;
            for (var i = 0; i < members.Count; i++)
                if (members[i].Port is null)
                    errors.Add(map.Error($"members[{i}]", $"members[{i}] '{members[i].Name}' publishes no port, and the pipeline reaches members at their published ports ({at} {Postgres.PostgresRoute.PublishedPorts})",
                        $"give it a port, or set {at}: {Postgres.PostgresRoute.ThroughEndpoint}"));
        }
    }

    private static void CheckImage(PostgresSpec postgres, SourceMap map, List<Diagnostic> errors)
    {
        const string at = "postgres.image";
        if (ImageReference.Check(postgres.Image, out var image) is { } problem)
            errors.Add(map.Error(at, $"{at} {problem.Message}", problem.Hint));
        else if (image is { Digest: null, Tag: null or "latest" })
            errors.Add(map.Error(at, $"{at} {Quote(at, postgres.Image)} is not pinned", "use a fixed tag such as postgres:15.10-bookworm, or a digest (@sha256:...); never latest"));

        if (postgres.Major < OldestSupportedMajor)
            errors.Add(map.Error("postgres.major", $"postgres.major {postgres.Major} is not supported", $"use PostgreSQL {OldestSupportedMajor} or newer"));
        else if (image?.Tag is { } tag && LeadingNumber().Match(tag) is { Success: true } m && int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture) != postgres.Major)
            errors.Add(map.Error("postgres.major", $"postgres.major {postgres.Major} does not match the image tag '{tag}'", "set major to the image's PostgreSQL version: the scripts use /usr/lib/postgresql/<major>/bin"));
    }

    private static void CheckSettings(EnvironmentDocument document, EnvironmentLayout layout, List<Diagnostic> errors)
    {
        var settings = document.Spec.Postgres.Settings;
        var map = document.Map;
        const string at = "postgres.settings";
        if (settings.WalLevel is not ("replica" or "logical"))
            errors.Add(map.Error($"{at}.wal_level", $"wal_level {Quote($"{at}.wal_level", settings.WalLevel)} cannot feed replicas", "use replica (or logical)"));
        if (settings.PasswordEncryption != "scram-sha-256")
            errors.Add(map.Error($"{at}.password_encryption", $"password_encryption {Quote($"{at}.password_encryption", settings.PasswordEncryption)} is weaker than SCRAM", "use scram-sha-256"));
        if (!settings.HotStandby)
            errors.Add(map.Warning($"{at}.hot_standby", "hot_standby is false: replicas will not answer read queries", "set it to true unless the replicas are only for failover"));

        if (settings.MaxSlotWalKeepSize == "-1")
        {
            var message = "max_slot_wal_keep_size is -1: a replica that stops can fill the primary's disk with WAL";
            errors.Add(document.IsProduction
                ? map.Error($"{at}.max_slot_wal_keep_size", message, "set a size such as 16GB")
                : map.Warning($"{at}.max_slot_wal_keep_size", message, "set a size such as 1GB"));
        }
        else if (!WalSize().IsMatch(settings.MaxSlotWalKeepSize))
        {
            errors.Add(map.Error($"{at}.max_slot_wal_keep_size", $"max_slot_wal_keep_size {Quote($"{at}.max_slot_wal_keep_size", settings.MaxSlotWalKeepSize)} is not a size", "write a number with kB, MB, GB or TB, such as 4GB"));
        }

        foreach (var key in settings.Extra.Keys)
        {
            var path = $"{at}.extra.{key}";
            // An `extra` entry for a setting the pipeline sets itself would silently fight the pipeline.
            if (PostgresSettings.IsManaged(key, layout))
                errors.Add(map.Error(path, $"'{key}' cannot be set in extra", layout == EnvironmentLayout.Patroni
                    ? "Patroni or the pipeline sets it; use the matching key under postgres.settings, patroni or members"
                    : "the pipeline sets it; use the matching key under postgres.settings, or the topology keys"));
            else if (!SettingName().IsMatch(key))
                errors.Add(map.Error(path, $"{Quote(path, key)} is not a PostgreSQL setting name", "use lowercase letters, digits, '_' and '.'"));
        }
    }

    /// <summary>
    /// synchronous_standby_names is `ANY 1 (<synchronous slots>)`: with one name alone, every commit on the primary waits
    /// for that replica, so commits stop whenever it is down.
    /// </summary>
    private static void CheckSynchronousReplicas(List<ReplicaSpec> replicas, SourceMap map, List<Diagnostic> errors)
    {
        var synchronous = replicas.Select((replica, index) => (replica, index)).Where(r => r.replica.Synchronous).ToList();
        if (synchronous.Count != 1)
            return;
        var (lone, at) = synchronous[0];
        errors.Add(map.Warning($"replicas[{at}].synchronous",
            $"{lone.Name} is the only synchronous replica: commits on the primary stop while it is down (a crash, a node restart, an update by hand); "
            + "Deploy suspends synchronous replication on the primary while it updates it, so those commits have no synchronous copy",
            "set synchronous: true on a second replica: any one of two confirms a commit, so commits stay safe and keep flowing while one is down"));
    }

    internal static void CheckPlacementAndPorts(IReadOnlyList<PlacedService> services, EnvironmentSpec spec, SourceMap map, List<Diagnostic> errors)
    {
        var declared = spec.Nodes.SelectMany(n => n.Labels).ToHashSet();
        foreach (var (path, _, placement, port) in services)
        {
            if (port is < 1 or > 65535)
                errors.Add(map.Error($"{path}.port", $"{path}.port {port} is not a TCP port", "use 1 to 65535"));
            if (placement.Count == 0)
                errors.Add(map.Error($"{path}.placement", $"{path}.placement is empty", "place every PostgreSQL service by node label, such as purpose: master"));
            foreach (var label in placement.Where(l => !declared.Contains(l)))
                errors.Add(map.Error($"{path}.placement.{label.Key}", $"{path}.placement label {label.Key}={label.Value} is on no node in nodes", "add the label to a node under nodes, or fix the placement"));
            if (placement.Count > 0 && placement.All(declared.Contains) && !spec.Nodes.Any(n => Matches(n, placement)))
                errors.Add(map.Error($"{path}.placement", $"no single node carries all of {path}.placement ({Describe(placement)})", "Swarm would never schedule this service"));
        }

        foreach (var node in spec.Nodes)
        {
            var used = new Dictionary<int, string>();
            foreach (var (path, name, placement, port) in services.Where(s => s.Port is not null && Matches(node, s.Placement)))
            {
                if (!used.TryAdd(port!.Value, name))
                    errors.Add(map.Error($"{path}.port", $"{path}.port {port} is also published by '{used[port.Value]}' on node {node.Name}",
                        "host-mode ports must be unique per node: give one of them another port, or placements that exclude each other"));
            }
        }
    }

    private static void CheckSecrets(EnvironmentDocument document, EnvironmentLayout? layout, List<Diagnostic> errors)
    {
        var secrets = document.Spec.Secrets;
        var map = document.Map;
        var sources = new List<(string Key, SecretSourceSpec Source)> { ("superuser_password", secrets.SuperuserPassword), ("replication_password", secrets.ReplicationPassword) };
        if (secrets.RestApiPassword is { } restApi)
            sources.Add(("rest_api_password", restApi));
        if (secrets.MonitorPassword is { } monitor)
            sources.Add((SecretValues.MonitorPasswordKey, monitor));
        foreach (var (key, source) in BackupValidator.SecretSources(secrets))
            sources.Add((key, source));
        var postgresTls = new[] { secrets.PostgresTlsCa, secrets.PostgresTlsCert, secrets.PostgresTlsKey };
        foreach (var (key, source) in SecretValues.PostgresTlsKeys.Zip(postgresTls))
        {
            if (source is not null)
                sources.Add((key, source));
        }
        if (postgresTls.Any(s => s is not null) && postgresTls.Any(s => s is null))
            errors.Add(map.Error("secrets", "secrets: postgres_tls_ca, postgres_tls_cert and postgres_tls_key come together",
                "give all three (README: Security model), or none"));
        else if (layout == EnvironmentLayout.Patroni && document.IsProduction && postgresTls.All(s => s is null))
            errors.Add(map.Error("secrets", "production's members must serve TLS: 'secrets' has no postgres_tls_ca, postgres_tls_cert and postgres_tls_key",
                "make a CA and the members' certificate (README: Security model) and give them as CI secrets: postgres_tls_ca: { env: PROD_POSTGRES_TLS_CA }, and so on"));
        else if (layout == EnvironmentLayout.Classic && postgresTls.Any(s => s is not null))
            errors.Add(map.Error("secrets.postgres_tls_cert", "secrets.postgres_tls_*: TLS is built for the Patroni layout (members), not the classic one",
                "move the environment to members: (README: Patroni layout), or remove the postgres_tls_* secrets"));
        foreach (var (key, source) in sources)
        {
            var path = $"secrets.{key}";
            var kinds = (source.Env is null ? 0 : 1) + (source.File is null ? 0 : 1) + (source.Generate ? 1 : 0);
            if (kinds != 1)
                errors.Add(map.Error(path, $"{path} needs exactly one of env, file or generate", "name the CI variable (env: PROD_PG_PASSWORD) or the file that holds the value; never the value itself"));
            if (source.Env is { } env && !EnvironmentVariableName().IsMatch(env))
                errors.Add(map.Error($"{path}.env", $"{path}.env {Quote($"{path}.env", env)} is not an environment variable name", "use uppercase letters, digits and '_': name the variable that holds the password, never the password itself"));
            if (source.Generate && document.IsProduction)
                errors.Add(map.Error($"{path}.generate", "generated passwords are for local environments, not production", "supply production passwords from CI secrets with env:"));
        }
        if (secrets.SuperuserPassword.Env is { } a && a == secrets.ReplicationPassword.Env)
            errors.Add(map.Error("secrets.replication_password.env", "secrets.replication_password.env names the same variable as secrets.superuser_password.env",
                "the replication role must not share the superuser's password: give each password its own variable"));
        if (secrets.RestApiPassword?.Env is { } r && sources.Take(2).FirstOrDefault(s => s.Source.Env == r) is { Key: { } shared })
            errors.Add(map.Error("secrets.rest_api_password.env", $"secrets.rest_api_password.env names the same variable as secrets.{shared}.env",
                "the REST API must not share a database password: give each password its own variable"));

        if (secrets.MonitorPassword?.Env is { } m && sources.Take(2).FirstOrDefault(s => s.Source.Env == m) is { Key: { } sharedWith })
            errors.Add(map.Error("secrets.monitor_password.env", $"secrets.monitor_password.env names the same variable as secrets.{sharedWith}.env",
                $"the checks' role ({Postgres.MonitorRole.Name}) must not share a password that can do more: give it its own variable"));
        if (layout == EnvironmentLayout.Patroni && document.IsProduction && secrets.MonitorPassword is null)
            errors.Add(map.Error("secrets", "production's checks must not log in as the superuser: 'secrets' has no monitor_password",
                $"add monitor_password: {{ env: PROD_PG_MONITOR_PASSWORD }}: Smoke and Drift then log in as {Postgres.MonitorRole.Name} (README: Security model)"));
        else if (layout == EnvironmentLayout.Classic && secrets.MonitorPassword is not null)
            errors.Add(map.Error("secrets.monitor_password", "secrets.monitor_password: the checks' role is built for the Patroni layout (members), not the classic one",
                "move the environment to members: (README: Patroni layout), or remove monitor_password"));

        if (layout == EnvironmentLayout.Patroni && secrets.RestApiPassword is null)
            errors.Add(map.Error("secrets", "'secrets' is missing required key 'rest_api_password'",
                "the Patroni layout protects Patroni's REST API with a password: add rest_api_password: { env: ... } (or { generate: true } for a local environment)"));
        else if (layout == EnvironmentLayout.Classic && secrets.RestApiPassword is not null)
            errors.Add(map.Warning("secrets.rest_api_password", "secrets.rest_api_password is used by the Patroni layout only; the classic layout ignores it",
                "remove it, or move the file to the Patroni layout (members, patroni, dcs)"));
    }

    private static void CheckNetwork(EnvironmentDocument document, EnvironmentSpec spec, SourceMap map, List<Diagnostic> errors)
    {
        if (!ServiceName().IsMatch(spec.Network.Name))
            errors.Add(map.Error("network.name", $"network.name {Quote("network.name", spec.Network.Name)} is not valid", "use lowercase letters, digits and '-'"));
        if (!Cidr.IsNetwork(spec.Network.Subnet))
            errors.Add(map.Error("network.subnet", $"network.subnet {Quote("network.subnet", spec.Network.Subnet)} is not a network in CIDR form", "write it like 10.201.0.0/24, with the host bits zero"));
        if (!spec.Network.Encrypted)
            errors.Add(map.Warning(map.Contains("network.encrypted") ? "network.encrypted" : "network",
                $"{(document.IsProduction ? "production's network" : "network")} {spec.Network.Name} is not encrypted by Swarm between nodes: etcd's and Patroni's REST API traffic on it is clear text (PostgreSQL's own connections are TLS all the same)",
                "set network.encrypted: true where the nodes' kernels have IPsec ESP (benchmarks/overlay-encryption.sh shows whether they do; README: Security model); it applies when the network is created"));
    }

    private static void CheckAccess(EnvironmentDocument document, List<Diagnostic> errors)
    {
        var access = document.Spec.Access;
        var map = document.Map;
        if (access.AllowAnyAddress && document.IsProduction)
            errors.Add(map.Error("access.allow_any_address", "access.allow_any_address is true in a production environment",
                "production never allows rules open to any address: remove the key and list the client networks"));
        if (access.Replication.Address is { } address && !Cidr.IsNetwork(address))
            errors.Add(map.Error("access.replication.address", $"access.replication.address {Quote("access.replication.address", address)} is not a network in CIDR form", "leave it out to use network.subnet, or write it like 10.201.0.0/24"));
        if (!RoleName().IsMatch(access.Replication.User))
            errors.Add(map.Error("access.replication.user", $"access.replication.user {Quote("access.replication.user", access.Replication.User)} is not a plain role name", "use lowercase letters, digits and '_'"));
    }

    /// <summary>WAL senders and slots for <paramref name="replicas"/> streaming replicas (in the Patroni layout: every member but the leader).</summary>
    internal static void CheckStreamingLimits(EnvironmentSpec spec, SourceMap map, List<Diagnostic> errors, int replicas)
    {
        var settings = spec.Postgres.Settings;
        // A replica's first pg_basebackup -X stream holds two WAL senders while the others stream.
        if (settings.MaxWalSenders < replicas + 1)
            errors.Add(map.Error("postgres.settings.max_wal_senders", $"max_wal_senders {settings.MaxWalSenders} is too small for {replicas} replicas",
                $"set it to at least {replicas + 1}: each replica streams with one, and a base backup needs one more"));
        if (settings.MaxReplicationSlots < replicas)
            errors.Add(map.Error("postgres.settings.max_replication_slots", $"max_replication_slots {settings.MaxReplicationSlots} is fewer than the {replicas} replicas' slots",
                $"set it to at least {replicas}"));
    }

    private static void CheckLimits(EnvironmentSpec spec, SourceMap map, List<Diagnostic> errors)
    {
        Positive("smoke.max_replay_lag_seconds", spec.Smoke.MaxReplayLagSeconds);
        Positive("smoke.canary_timeout_seconds", spec.Smoke.CanaryTimeoutSeconds);
        Positive("smoke.connect_timeout_seconds", spec.Smoke.ConnectTimeoutSeconds);
        Positive("smoke.max_replay_lag_bytes", spec.Smoke.MaxReplayLagBytes);
        Positive("deploy.converge_timeout_seconds", spec.Deploy.ConvergeTimeoutSeconds);
        Positive("deploy.stop_grace_period_seconds", spec.Deploy.StopGracePeriodSeconds);
        Positive("deploy.health_start_period_seconds", spec.Deploy.HealthStartPeriodSeconds);
        Positive("deploy.lock_timeout_seconds", spec.Deploy.LockTimeoutSeconds);
        Positive("deploy.lock_lease_seconds", spec.Deploy.LockLeaseSeconds);
        Positive("deploy.update_monitor_seconds", spec.Deploy.UpdateMonitorSeconds);

        void Positive(string path, long value)
        {
            if (value <= 0)
                errors.Add(map.Error(path, $"{path} is {value}", "use a number above zero"));
        }
    }

    internal static string Quote(string path, string value) => PastedSecret.Quote(path, value);

    internal static bool Matches(NodeSpec node, Dictionary<string, string> placement) =>
        placement.All(p => node.Labels.TryGetValue(p.Key, out var v) && v == p.Value);

    internal static string Describe(Dictionary<string, string> placement) => string.Join(", ", placement.Select(p => $"{p.Key}={p.Value}"));

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")] internal static partial Regex StackName();
    [GeneratedRegex("^[a-z]([a-z0-9-]*[a-z0-9])?$")] internal static partial Regex ServiceName();
    [GeneratedRegex("^[a-z0-9_]{1,63}$")] private static partial Regex SlotName();
    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")] private static partial Regex RoleName();
    [GeneratedRegex("^[A-Z_][A-Z0-9_]*$")] private static partial Regex EnvironmentVariableName();
    [GeneratedRegex("^[0-9]+")] private static partial Regex LeadingNumber();
    [GeneratedRegex("^[0-9]+(kB|MB|GB|TB)?$")] private static partial Regex WalSize();
    [GeneratedRegex("^[a-z_][a-z0-9_.]*$")] private static partial Regex SettingName();
}
