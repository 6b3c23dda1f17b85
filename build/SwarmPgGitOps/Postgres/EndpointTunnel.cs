using System.Net;
using System.Net.Sockets;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Postgres;

/// <summary>
/// Reaches PostgreSQL with nothing but the Docker endpoint. Each connection is relayed by relay.py, run with docker exec
/// in a container of the stack on the endpoint's node (HAProxy's, else an etcd member's, else a PostgreSQL member's),
/// which dials the host on the stack network; Npgsql connects to a loopback listener that takes that one connection.
/// TLS runs end to end through the relay, so the server is verified as on a direct connection.
/// </summary>
public sealed class EndpointTunnel : IAsyncDisposable
{
    private static readonly string[] GatewayRoles = [StackContainerLocator.HaproxyRole, StackContainerLocator.EtcdRole, StackContainerLocator.MemberRole];
    private static readonly TimeSpan AcceptTimeout = TimeSpan.FromSeconds(30);
    private static readonly string Relay = EmbeddedScript.Read("relay.py");

    private readonly DockerClient _docker;
    private readonly DockerSwarmApi _api;
    private readonly string _stack;
    private readonly SemaphoreSlim _finding = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly List<Task> _relays = [];
    private StackContainer? _gateway;

    private EndpointTunnel(DockerClient docker, string stack)
    {
        _docker = docker;
        _api = new DockerSwarmApi(docker);
        _stack = stack;
    }

    public static EndpointTunnel Open(EnvironmentDocument document, Func<string, string?> variable)
    {
        var connected = DockerEndpoint.Connect(document, variable);
        return connected.Value is { } docker
            ? new EndpointTunnel(docker, document.Spec.Stack)
            : throw new PostgresRouteException($"cannot reach the swarm's endpoint to relay PostgreSQL connections through it: {string.Join("; ", connected.Diagnostics.Select(d => d.Message))}", transient: false);
    }

    /// <summary>The stack's container the connections are relayed through, e.g. "pg-lab_haproxy"; null until the first connection.</summary>
    public string? Gateway => _gateway?.Service;

    /// <summary>A loopback endpoint whose one connection is relayed to <paramref name="host"/>:<paramref name="port"/>; <paramref name="relayed"/> gets what the relay said when it failed.</summary>
    public async Task<IPEndPoint> OpenAsync(string host, int port, Action<string> relayed, CancellationToken cancellation)
    {
        var gateway = await GatewayAsync(cancellation);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(1);
        var relay = RelayAsync(listener, gateway, host, port, relayed);
        lock (_relays)
            _relays.Add(relay);
        return (IPEndPoint)listener.LocalEndpoint;
    }

    private async Task<StackContainer> GatewayAsync(CancellationToken cancellation)
    {
        await _finding.WaitAsync(cancellation);
        try
        {
            if (_gateway is not null)
                return _gateway;
            var problems = new List<string>();
            foreach (var role in GatewayRoles)
            {
                try
                {
                    return _gateway = await new StackContainerLocator(_api, _stack, role).FindAsync(cancellation);
                }
                catch (PatroniUnavailableException e)
                {
                    problems.Add(e.Message);
                }
                catch (DockerApiException e)
                {
                    throw new PostgresRouteException($"the swarm's endpoint did not list the stack's containers: {e.StatusCode}", Waiting.TransientErrors.IsTransient(e));
                }
            }
            throw new PostgresRouteException($"nothing to relay PostgreSQL connections through: {problems[0]}", transient: false);
        }
        finally
        {
            _finding.Release();
        }
    }

    private async Task RelayAsync(TcpListener listener, StackContainer gateway, string host, int port, Action<string> relayed)
    {
        var closing = _closing.Token;
        TcpClient client;
        try
        {
            using var accepting = CancellationTokenSource.CreateLinkedTokenSource(closing);
            accepting.CancelAfter(AcceptTimeout);
            client = await listener.AcceptTcpClientAsync(accepting.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        finally
        {
            listener.Stop();
        }
        using (client)
        {
            var socket = client.GetStream();
            MultiplexedStream exec;
            try
            {
                (_, exec) = await _api.StartExecAsync(gateway.ContainerId,
                    ["python3", "-c", Relay, host, port.ToString(System.Globalization.CultureInfo.InvariantCulture)], stdin: true, closing,
                    // A name the stack's DNS does not know goes on to the node's resolvers: one try of 1 s, as in the members, so the
                    // relay says so before the connection times out.
                    ["RES_OPTIONS=timeout:1 attempts:1"]);
            }
            catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
            {
                relayed($"could not run the relay: {e.Message.ReplaceLineEndings(" ")}");
                return;
            }
            using (exec)
            {
                var upstream = Task.Run(async () =>
                {
                    var buffer = new byte[65536];
                    try
                    {
                        int read;
                        while ((read = await socket.ReadAsync(buffer, closing)) > 0)
                            await exec.WriteAsync(buffer, 0, read, closing);
                    }
                    catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
                    {
                    }
                    exec.CloseWrite();
                }, closing);
                var errors = new StringBuilder();
                var downstream = new byte[65536];
                try
                {
                    while (true)
                    {
                        var result = await exec.ReadOutputAsync(downstream, 0, downstream.Length, closing);
                        if (result.EOF)
                            break;
                        if (result.Target == MultiplexedStream.TargetStream.StandardOut)
                            await socket.WriteAsync(downstream.AsMemory(0, result.Count), closing);
                        else
                            errors.Append(Encoding.UTF8.GetString(downstream, 0, result.Count));
                    }
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
                {
                }
                if (errors.Length > 0)
                    relayed(errors.ToString().Trim().ReplaceLineEndings(" "));
                try
                {
                    client.Client.Shutdown(SocketShutdown.Both);
                }
                catch (SocketException)
                {
                }
                await upstream.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).Settled();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        Task[] relays;
        lock (_relays)
            relays = [.. _relays];
        await Task.WhenAll(relays).WaitAsync(TimeSpan.FromSeconds(5)).Settled();
        _docker.Dispose();
        _closing.Dispose();
        _finding.Dispose();
    }
}
