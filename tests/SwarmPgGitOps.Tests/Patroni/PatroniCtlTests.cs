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
    public async Task Runs_patronictl_through_the_members_entrypoint_and_reads_its_answer()
    {
        var exec = new RecordingExec(new ExecResult(0, """[{"Member": "pg1", "Role": "Leader", "State": "running", "TL": 1}]""", ""));
        var ctl = new PatroniCtl(exec, await OneMemberOnTheEndpointsNode(), "pg-lab");

        var cluster = await ctl.ListAsync(CancellationToken.None);

        Assert.Equal("pg1", cluster.Leader?.Name);
        var call = Assert.Single(exec.Calls);
        Assert.StartsWith("container-of-", call.Container);
        Assert.Equal(["bash", PatroniCtl.Entrypoint, "ctl", "list", "--format", "json"], call.Command);
        Assert.Null(call.Stdin);
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
