using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// The lab environment locked down as production is (pg-eo, subnet 10.216.0.0/24): the pipeline reaches the swarm through
/// the manager's TLS endpoint and PostgreSQL through that endpoint alone (swarm.postgres_route's default); no member
/// publishes a port and there is no HAProxy, so nothing of the stack listens on a node address; pg_hba has no rule of
/// the file's own, only the stack network's.
/// </summary>
public sealed class EndpointOnlyLabStack : PatroniLabStack
{
    public const int FirstPort = 5552;

    public EndpointOnlyLabStack() : base("pg-eo", FirstPort, 216, LockedDown())
    {
    }

    private static (string Find, string Replace)[] LockedDown()
    {
        var layout = ProjectLayout.Discover(AppContext.BaseDirectory);
        var lab = File.ReadAllText(layout.EnvironmentFile("lab"));
        var info = SwarmPgGitOps.Lab.LabInfo.Read(layout);
        var route = lab[lab.IndexOf("  # The lab's tests and benchmarks reach", StringComparison.Ordinal)..(lab.IndexOf("postgres_route: published_ports\n", StringComparison.Ordinal) + "postgres_route: published_ports\n".Length)];
        var endpoints = lab[lab.IndexOf("# HAProxy on every node", StringComparison.Ordinal)..lab.IndexOf("# pgBackRest:", StringComparison.Ordinal)]
            .Replace("read_write_port: 5000", $"read_write_port: {FirstPort + 5}", StringComparison.Ordinal)
            .Replace("read_only_port: 5001", $"read_only_port: {FirstPort + 6}", StringComparison.Ordinal);
        var rules = lab[lab.IndexOf("  rules:\n", StringComparison.Ordinal)..lab.IndexOf("\nsecrets:", StringComparison.Ordinal)];
        return
        [
            (route, ""),
            (endpoints, ""),
            (rules, "  rules: []\n"),
            .. Enumerable.Range(0, 3).Select(i => ($"    port: {FirstPort + i}\n    connect_host: 192.168.77.1{i + 1}\n", "")),
            LabFixture.TlsEndpoint(info.TlsEndpoint, info.TlsCertPath),
        ];
    }
}
