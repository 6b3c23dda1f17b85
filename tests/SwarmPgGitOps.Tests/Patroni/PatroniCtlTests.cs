using Docker.DotNet.Models;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Swarm;

namespace SwarmPgGitOps.Tests.Patroni;

public sealed class PatroniCtlTests
{
    private sealed class RecordingExec(ExecResult answer) : IContainerExec
    {
        public List<(string Container, IReadOnlyList<string> Command, string? Stdin)> Calls { get; } = [];

        public Task<ExecResult> ExecAsync(string containerId, IReadOnlyList<string> command, string? stdin, CancellationToken cancellation)
        {
            Calls.Add((containerId, command, stdin));
            return Task.FromResult(answer);
        }
    }

    private static async Task<StackContainerLocator> OneMemberOnTheEndpointsNode()
    {
        var swarm = new FakeSwarm(TimeProvider.System);
        await swarm.CreateServiceAsync(new ServiceSpec
        {
            Name = "pg-lab_pg1",
            Labels = new Dictionary<string, string> { [StackLabels.Namespace] = "pg-lab", [StackLabels.Role] = "member" },
        }, CancellationToken.None);
        for (var i = 0; i < 3; i++)
            await swarm.ListTasksAsync("pg-lab_pg1", CancellationToken.None);
        return new StackContainerLocator(swarm, "pg-lab", StackContainerLocator.MemberRole);
    }

    [Fact]
    public async Task Reads_the_cluster_and_its_configuration_with_the_library_s_script_naming_the_members_to_ask_instead()
    {
        var exec = new RecordingExec(new ExecResult(0, """
            {"cluster": {"members": [{"name": "pg1", "role": "leader", "state": "running", "timeline": 1}], "scope": "pg-lab"},
             "config": "{\"ttl\": 30, \"loop_wait\": 10}"}
            """, ""));
        var ctl = new PatroniCtl(exec, await OneMemberOnTheEndpointsNode(), "pg-lab", ["pg1", "pg2", "pg3"]);

        var (cluster, config) = await ctl.StateAsync(CancellationToken.None);

        Assert.Equal("pg1", cluster.Leader?.Name);
        Assert.Equal(new Dictionary<string, string> { ["loop_wait"] = "10", ["ttl"] = "30" }, DynamicConfig.Flatten(config));
        var call = Assert.Single(exec.Calls);
        Assert.StartsWith("container-of-", call.Container);
        Assert.Equal(["python3", "-c"], call.Command.Take(2));
        Assert.Contains("urllib.request", call.Command[2], StringComparison.Ordinal);
        Assert.Equal(["pg1", "pg2", "pg3"], call.Command.Skip(3));
        Assert.Null(call.Stdin);
    }

    [Fact]
    public async Task A_wait_s_read_wakes_every_member_after_reading()
    {
        var exec = new RecordingExec(new ExecResult(0, """{"cluster": {"members": []}, "config": ""}""", ""));
        var ctl = new PatroniCtl(exec, await OneMemberOnTheEndpointsNode(), "pg-lab", ["pg1", "pg2"]);

        await ctl.StateAndWakeAsync(CancellationToken.None);

        Assert.Equal(["--wake", "pg1", "pg2"], Assert.Single(exec.Calls).Command.Skip(3));
    }

    [Theory]
    [InlineData("member: starting", "Patroni's REST API gave an answer that is not its cluster and configuration: ")]
    [InlineData("""{"cluster": {"members": []}}""", "Patroni's REST API gave an answer that is not its cluster and configuration: ")]
    public async Task An_answer_that_is_not_the_state_is_Patroni_unavailable_not_a_crash(string answer, string said)
    {
        var ctl = new PatroniCtl(new RecordingExec(new ExecResult(0, answer, "")), await OneMemberOnTheEndpointsNode(), "pg-lab");

        var error = await Assert.ThrowsAsync<PatroniUnavailableException>(() => ctl.StateAsync(CancellationToken.None));

        Assert.StartsWith(said, error.Message);
    }

    [Fact]
    public async Task No_REST_API_answering_is_Patroni_unavailable_with_what_each_member_said()
    {
        var exec = new RecordingExec(new ExecResult(1, "", "no Patroni REST API answered (127.0.0.1: <urlopen error [Errno 111] Connection refused>)\n"));
        var ctl = new PatroniCtl(exec, await OneMemberOnTheEndpointsNode(), "pg-lab");

        var error = await Assert.ThrowsAsync<PatroniUnavailableException>(() => ctl.StateAsync(CancellationToken.None));

        Assert.Equal("Patroni's REST API in pg-lab_pg1 failed (exit 1): no Patroni REST API answered (127.0.0.1: <urlopen error [Errno 111] Connection refused>)", error.Message);
    }

    [Fact]
    public async Task Replaces_the_dynamic_configuration_from_standard_input()
    {
        var exec = new RecordingExec(new ExecResult(0, "", ""));
        var ctl = new PatroniCtl(exec, await OneMemberOnTheEndpointsNode(), "pg-lab");

        await ctl.ReplaceConfigAsync("ttl: 30\n", CancellationToken.None);

        var call = Assert.Single(exec.Calls);
        Assert.Equal(["bash", PatroniCtl.Entrypoint, "ctl", "edit-config", "--replace", "-", "--force", "--quiet"], call.Command);
        Assert.Equal("ttl: 30\n", call.Stdin);
    }

    [Fact]
    public async Task A_failing_patronictl_is_reported_with_its_last_line()
    {
        var exec = new RecordingExec(new ExecResult(1, "", "Traceback...\nError: Switchover failed, details: 412, candidate name does not match with sync_standby\n"));
        var ctl = new PatroniCtl(exec, await OneMemberOnTheEndpointsNode(), "pg-lab");

        var error = await Assert.ThrowsAsync<PatroniUnavailableException>(() => ctl.SwitchoverAsync("pg1", "pg3", CancellationToken.None));

        Assert.Equal("patronictl switchover in pg-lab_pg1 failed (exit 1): Error: Switchover failed, details: 412, candidate name does not match with sync_standby", error.Message);
    }
}
