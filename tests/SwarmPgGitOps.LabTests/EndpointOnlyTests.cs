using System.Net;
using Docker.DotNet.Models;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Postgres;
using Xunit.Abstractions;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// CI that reaches only the manager's Docker endpoint (issue: security of the data path): on the locked-down stack,
/// where nothing listens on a node address and pg_hba admits the stack network only, Deploy, Smoke and Drift pass,
/// every one of their PostgreSQL connections relayed through a container of the stack, the checks' as their own role.
/// Deploy reaches the swarm through a real `dockerd --tlsverify` endpoint, the lab manager's tcp://192.168.77.11:2376.
/// </summary>
[Collection("patroni")]
public class EndpointOnlyTests(EndpointOnlyLabStack stack, ITestOutputHelper output) : IClassFixture<EndpointOnlyLabStack>
{
    [Fact]
    public async Task Smoke_and_drift_pass_through_the_docker_endpoint_alone_on_a_stack_that_publishes_no_database_port()
    {
        var spec = stack.Environment.Spec;
        Assert.StartsWith("tcp://", spec.Swarm.Endpoint);
        var published = (await stack.Lab.Docker.Swarm.ListServicesAsync(new ServiceListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"com.docker.stack.namespace={stack.StackName}"] = true } },
        })).SelectMany(s => (s.Endpoint?.Ports ?? []).Select(p => $"{s.Spec.Name}:{p.PublishedPort}")).ToList();
        Assert.Empty(published);
        var hba = File.ReadAllText(Path.Combine(stack.Layout.ArtifactsFor("lab"), "pg_hba.conf"));
        var addresses = hba.Split('\n').Where(l => l.StartsWith("host", StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]).Distinct().ToList();
        Assert.Equal([spec.Network.Subnet], addresses);

        var smoke = await stack.Smoke();
        output.WriteLine(stack.Output.ToString());
        Assert.True(smoke.Passed, string.Join("\n", smoke.Failures.Select(f => $"{f.Name} {f.Target}: {f.Value} ({f.Hint})")));
        Assert.All(smoke.Targets, t => Assert.Equal("stack network", t.Source));
        Assert.Equal(stack.Members.Select(m => m.Name), smoke.Checks.Where(c => c.Name == "connect" && c.Passed).Select(c => c.Target).Order());

        var drift = Assert.Single(await new DriftStep(stack.Layout, LabStack.PlainConsole(stack.Output)).RunAsync("lab"));
        Assert.True(drift.InSync, string.Join("\n", drift.Items));

        await using var connector = PostgresConnector.ForChecks("test", stack.Environment, stack.Passwords);
        var leader = smoke.Patroni!.Leader!.Name;
        await using var connection = await connector.OpenAsync(smoke.Targets.Single(t => t.Name == leader), CancellationToken.None);
        var client = await PatroniLabStack.Scalar<string>(connection, "SELECT host(inet_client_addr())");
        var user = await PatroniLabStack.Scalar<string>(connection, "SELECT current_user::text");
        Assert.Equal(MonitorRole.Name, user);
        var tls = await PatroniLabStack.Scalar<bool>(connection, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        output.WriteLine($"the checks' connection to {leader} came from {client} as {user}, TLS {tls}");
        Assert.True(IPNetwork.Parse(spec.Network.Subnet).Contains(IPAddress.Parse(client)), $"{client} is not in {spec.Network.Subnet}");
        Assert.True(tls);

        var gone = new PostgresTarget("pg9", $"{stack.StackName}_pg9", "pg9", 5432, "stack network");
        var failure = await Assert.ThrowsAsync<PostgresRouteException>(() => connector.OpenAsync(gone, CancellationToken.None));
        output.WriteLine(failure.Message);
        Assert.Matches($@"^pg9:5432, relayed by {stack.StackName}_etcd\d: [^\n]+$", failure.Message);
    }

    [Fact]
    public async Task A_deploy_through_the_tls_endpoint_converges_and_the_next_one_changes_nothing()
    {
        Assert.StartsWith("tcp://", stack.Environment.Spec.Swarm.Endpoint);
        Assert.Contains(stack.Service(stack.Members[0].Name), stack.FirstDeploy.Created);

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
