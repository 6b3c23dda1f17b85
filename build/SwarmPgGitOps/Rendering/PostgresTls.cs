using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Secrets;

namespace SwarmPgGitOps.Rendering;

/// <summary>
/// Whether an environment's PostgreSQL serves TLS, and how: the one place that decides it. It does when the environment
/// supplies the members' CA, certificate and key (secrets.postgres_tls_*, Patroni layout): every member then has
/// ssl = on with the certificate from its Swarm secrets, the stack's network rules and replication are hostssl, Patroni's
/// connections between members verify the certificate (verify-full), and so do the pipeline's.
/// </summary>
public static class PostgresTls
{
    private const string SecretsDirectory = "/run/secrets";

    public static bool IsOn(EnvironmentSpec spec) =>
        EnvironmentLayouts.Of(spec) == EnvironmentLayout.Patroni && spec.Secrets.PostgresTlsCert is not null;

    public static string CaFile => $"{SecretsDirectory}/{SecretValues.PostgresTlsCaKey}";
    public static string CertFile => $"{SecretsDirectory}/{SecretValues.PostgresTlsCertKey}";
    public static string KeyFile => $"{SecretsDirectory}/{SecretValues.PostgresTlsKeyKey}";

    /// <summary>
    /// The names the members' certificate must carry for verify-full: each member's service name (Patroni and the
    /// members reach each other by it), the address the pipeline connects to (connect_host), and HAProxy's hosts, since
    /// the endpoints hand a client to whichever member leads.
    /// </summary>
    public static IReadOnlyList<string> ServerNames(EnvironmentSpec spec)
    {
        var members = spec.Members ?? [];
        return [.. members.Select(m => m.Name), .. members.Select(m => m.ConnectHost).OfType<string>(), .. spec.Endpoints?.Hosts ?? [], "localhost"];
    }

    /// <summary>The pg_hba connection type of the rules the stack itself needs (replication, members among themselves).</summary>
    public static string HostRuleType(EnvironmentSpec spec) => IsOn(spec) ? "hostssl" : "host";

    /// <summary>The server settings TLS adds to a member's patroni.yml.</summary>
    public static IReadOnlyList<RenderSetting> Settings(EnvironmentSpec spec) => IsOn(spec)
        ? [new("ssl", "on"), new("ssl_cert_file", CertFile), new("ssl_key_file", KeyFile), new("ssl_min_protocol_version", "TLSv1.2")]
        : [];
}
