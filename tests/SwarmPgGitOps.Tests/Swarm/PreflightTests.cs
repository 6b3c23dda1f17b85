using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Tests.Swarm;

public sealed class PreflightTests
{
    private const string Endpoint = "tcp://192.168.77.11:2376/";
    private static readonly DesiredStack Lab = Deploying.Desired();
    private static readonly DockerApiException Forbidden = new(HttpStatusCode.Forbidden, "client certificate not authorised");

    private static readonly Dictionary<string, Action<FakeSwarm>> Refusals = new()
    {
        ["a healthy manager"] = _ => { },
        ["endpoint refuses the connection"] = s => s.Unreachable = new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused)),
        ["endpoint rejects the TLS certificate"] = s => s.Unreachable = new HttpRequestException("The SSL connection could not be established, see inner exception.",
            new System.Security.Authentication.AuthenticationException("The remote certificate was rejected by the provided RemoteCertificateValidationCallback.")),
        ["engine answers with an error"] = s => s.Unreachable = Forbidden,
        ["API older than Docker 20.10"] = s => s.ApiVersion = "1.40",
        ["engine is not a swarm manager"] = s => s.IsManager = false,
        ["API too old and not a manager"] = s => { s.ApiVersion = "1.40"; s.IsManager = false; },
        ["node3 is down"] = s => s.Nodes[2].Status!.State = "down",
        ["node2 is drained"] = s => s.Nodes[1].Spec!.Availability = "drain",
        ["no node is labelled purpose=master"] = s => s.Nodes[0].Spec!.Labels!.Remove("purpose"),
    };

    public static TheoryData<string, string[]> Cases => new()
    {
        { "a healthy manager", [] },
        { "endpoint refuses the connection", [$"cannot reach the Docker engine at {Endpoint}: Connection refused (check the endpoint, the TLS certificate and that the manager is up)"] },
        { "endpoint rejects the TLS certificate", [$"cannot reach the Docker engine at {Endpoint}: The remote certificate was rejected by the provided RemoteCertificateValidationCallback. (check the endpoint, the TLS certificate and that the manager is up)"] },
        { "engine answers with an error", [$"cannot reach the Docker engine at {Endpoint}: {Forbidden.Message} (check the endpoint, the TLS certificate and that the manager is up)"] },
        { "API older than Docker 20.10", [$"the engine at {Endpoint} speaks API 1.40; 1.41 (Docker 20.10) or newer is needed"] },
        { "engine is not a swarm manager", [$"the engine at {Endpoint} is not a swarm manager (swarm state: inactive); point the environment at a manager node"] },
        { "API too old and not a manager", [$"the engine at {Endpoint} speaks API 1.40; 1.41 (Docker 20.10) or newer is needed",
            $"the engine at {Endpoint} is not a swarm manager (swarm state: inactive); point the environment at a manager node"] },
        { "node3 is down", ["no ready node satisfies the placement of pg-lab_replica2 (node.labels.lab.node == node3 and node.labels.purpose == worker); label a node with docker node update --label-add"] },
        { "node2 is drained", ["no ready node satisfies the placement of pg-lab_replica1 (node.labels.lab.node == node2 and node.labels.purpose == worker); label a node with docker node update --label-add"] },
        { "no node is labelled purpose=master", ["no ready node satisfies the placement of pg-lab_primary (node.labels.purpose == master); label a node with docker node update --label-add"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Preflight_refuses_with_one_line_per_problem(string situation, string[] expected)
    {
        var swarm = new FakeSwarm(TimeProvider.System);
        Refusals[situation](swarm);

        var problems = await Preflight.CheckAsync(swarm, Endpoint, Lab);

        Assert.Equal(expected, problems);
        Assert.Empty(swarm.Journal);
    }
}
