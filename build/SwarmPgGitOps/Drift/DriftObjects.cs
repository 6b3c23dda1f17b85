namespace SwarmPgGitOps.Drift;

/// <summary>How drift items name what differs, so the console, drift.json and pull requests read the same.</summary>
public static class DriftObjects
{
    public static string Service(string name) => $"service {name}";

    public static string Config(string name) => $"config {name}";

    public static string Secret(string name) => $"secret {name}";

    public static string Network(string name) => $"network {name}";

    /// <summary>A PostgreSQL instance by its service key: "database primary", "database replica1".</summary>
    public static string Database(string instance) => $"database {instance}";

    /// <summary>Patroni's dynamic configuration (in the DCS), whose fields are its flattened keys: "loop_wait", "postgresql.parameters.work_mem".</summary>
    public const string PatroniDynamicConfig = "patroni dynamic config";

    /// <summary>A Patroni cluster by its scope: "patroni cluster pg-lab".</summary>
    public static string PatroniCluster(string scope) => $"patroni cluster {scope}";

    public const string Present = "present";
    public const string Missing = "missing";
    public const string NotInGit = "(not in git)";
}
