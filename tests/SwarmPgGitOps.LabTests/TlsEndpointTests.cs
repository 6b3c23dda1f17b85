using SwarmPgGitOps.Pipeline;

namespace SwarmPgGitOps.LabTests;

/// <summary>Deploy through a real `dockerd --tlsverify` endpoint: the lab manager's tcp://192.168.77.11:2376.</summary>
[Collection("lab")]
public class TlsEndpointTests(TlsLabStack stack) : IClassFixture<TlsLabStack>
{
    [Fact]
    public async Task A_deploy_through_the_tls_endpoint_converges_and_the_next_one_changes_nothing()
    {
        Assert.Equal(["pg-tls_primary", "pg-tls_replica1", "pg-tls_replica2"], stack.FirstDeploy.Created);
        Assert.Equal(stack.Environment.Spec.Classic().Replicas.Count, await stack.StreamingReplicas());
        Assert.StartsWith("tcp://", stack.Environment.Spec.Swarm.Endpoint);

        var again = await stack.Deploy();

        Assert.False(again.Plan.HasChanges);
        Assert.Empty(again.Updated);
    }

    [Fact]
    public async Task A_client_certificate_the_manager_did_not_issue_is_refused_before_anything_changes()
    {
        var labCa = File.ReadAllText(Path.Combine(stack.Lab.Info.TlsCertPath, "ca.pem"));
        var foreign = ForeignCertificates.ClientFolder(trustedCaPem: labCa);
        var restore = stack.EditEnvironment($"cert_path: {stack.Lab.Info.TlsCertPath}", $"cert_path: {foreign}");
        try
        {
            var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => stack.Deploy());

            Assert.Equal("preflight failed for lab; nothing was changed", failure.Message);
            Assert.Contains($"preflight: cannot reach the Docker engine at {new Uri(stack.Lab.Info.TlsEndpoint)}", stack.Output.ToString());
        }
        finally
        {
            restore();
            Directory.Delete(foreign, recursive: true);
        }
    }
}
