namespace SwarmPgGitOps.LabTests;

/// <summary>
/// A stack of its own (pg-tls, ports 5472-5474, subnet 10.205.0.0/24) that the pipeline deploys through the manager's TCP
/// endpoint with TLS client certificates, as CI reaches a remote swarm, rather than through the unix socket.
/// </summary>
public sealed class TlsLabStack : StackDeployedByPipeline
{
    protected override (string Find, string Replace)[] LabEdits =>
    [
        .. LabFixture.OwnStack("pg-tls", 5472, 205),
        LabFixture.TlsEndpoint(Lab.Info.TlsEndpoint, Lab.Info.TlsCertPath),
    ];
}
