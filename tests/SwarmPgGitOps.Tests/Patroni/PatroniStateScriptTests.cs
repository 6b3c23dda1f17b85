using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using SwarmPgGitOps.Patroni;

namespace SwarmPgGitOps.Tests.Patroni;

/// <summary>
/// The library's patroni_state.py run by python3, as docker exec runs it in a member, against a stand-in for Patroni's
/// REST API on this machine (no /etc/swarm-pg here: the wake's credentials cannot be read).
/// </summary>
public sealed class PatroniStateScriptTests
{
    /// <summary>Answers GET /cluster and /config as a Patroni member would, and counts what it was asked.</summary>
    private sealed class FakeRestApi : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly CancellationTokenSource _stopping = new();
        private readonly Task _serving;
        private int _requests;

        public FakeRestApi(string clusterJson, string configJson)
        {
            Port = FreePort();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _serving = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        // Stop() does not end an accept that began as it ran (the managed listener drops it): the token does.
                        context = await _listener.GetContextAsync().WaitAsync(_stopping.Token);
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
                    {
                        return;
                    }
                    Interlocked.Increment(ref _requests);
                    var body = context.Request.Url?.AbsolutePath switch
                    {
                        "/cluster" => clusterJson,
                        "/config" => configJson,
                        _ => null,
                    };
                    context.Response.StatusCode = body is null ? 404 : 200;
                    if (body is not null)
                        await context.Response.OutputStream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(body));
                    context.Response.Close();
                }
            });
        }

        public int Port { get; }

        public int Requests => Volatile.Read(ref _requests);

        public async ValueTask DisposeAsync()
        {
            await _stopping.CancelAsync();
            _listener.Stop();
            await _serving;
            _listener.Close();
            _stopping.Dispose();
        }

        private static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
    }

    private static Task<BufferedCommandResult> RunScript(IReadOnlyList<string> command) =>
        Cli.Wrap(command[0]).WithArguments(command.Skip(1)).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

    [Fact]
    public async Task Prints_the_cluster_and_configuration_of_the_first_member_that_answers_and_a_wake_that_cannot_authenticate_does_not_fail_the_read()
    {
        await using var api = new FakeRestApi("""{"members": [{"name": "pg1", "role": "leader", "state": "running"}], "scope": "pg-lab"}""", """{"ttl": 30}""");
        var closedPort = new FakeRestApi("{}", "{}");
        var unanswered = $"127.0.0.1:{closedPort.Port}";
        await closedPort.DisposeAsync();

        var result = await RunScript(PatroniCtl.StateCommand([unanswered, $"127.0.0.1:{api.Port}"], wake: true));

        Assert.True(result.ExitCode == 0, result.StandardError);
        using var state = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("pg1", state.RootElement.GetProperty("cluster").GetProperty("members")[0].GetProperty("name").GetString());
        Assert.Equal("""{"ttl": 30}""", state.RootElement.GetProperty("config").GetString());
        Assert.Contains("could not be woken", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, api.Requests);
    }

    [Fact]
    public async Task Says_which_members_did_not_answer_and_exits_1_when_none_does()
    {
        var gone = new FakeRestApi("{}", "{}");
        var unanswered = $"127.0.0.1:{gone.Port}";
        await gone.DisposeAsync();

        var result = await RunScript(PatroniCtl.StateCommand([unanswered]));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.StandardOutput.Trim());
        Assert.Contains($"no Patroni REST API answered", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(unanswered, result.StandardError, StringComparison.Ordinal);
    }
}
