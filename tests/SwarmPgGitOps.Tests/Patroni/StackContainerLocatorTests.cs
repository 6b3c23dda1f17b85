using Docker.DotNet.Models;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Swarm;

namespace SwarmPgGitOps.Tests.Patroni;

public sealed class StackContainerLocatorTests
{
    private static readonly Dictionary<string, string> NodeOf = new() { ["pg-lab_pg1"] = "n2", ["pg-lab_pg2"] = "n1", ["pg-lab_etcd1"] = "n1" };

    private static async Task<FakeSwarm> SwarmWith(params (string Name, string Role)[] services)
    {
        var swarm = new FakeSwarm(TimeProvider.System) { Placement = spec => NodeOf.GetValueOrDefault(spec.Name ?? "", "n3") };
        foreach (var (name, role) in services)
        {
            await swarm.CreateServiceAsync(new ServiceSpec
            {
                Name = name,
                Labels = new Dictionary<string, string> { [StackLabels.Namespace] = "pg-lab", [StackLabels.Role] = role },
                Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
            }, CancellationToken.None);
        }
        // Look until the tasks run, as a manager reports them after they start.
        foreach (var (name, _) in services)
        {
            for (var i = 0; i < 3; i++)
                await swarm.ListTasksAsync(name, CancellationToken.None);
        }
        return swarm;
    }

    [Fact]
    public async Task Finds_the_running_member_on_the_endpoints_node()
    {
        var swarm = await SwarmWith(("pg-lab_etcd1", "etcd"), ("pg-lab_pg1", "member"), ("pg-lab_pg2", "member"));

        var found = await new StackContainerLocator(swarm, "pg-lab", StackContainerLocator.MemberRole).FindAsync(CancellationToken.None);

        Assert.Equal("pg-lab_pg2", found.Service);
        var pg2Tasks = await swarm.ListTasksAsync("pg-lab_pg2", CancellationToken.None);
        Assert.Equal(pg2Tasks.Single().Status?.ContainerStatus?.ContainerID, found.ContainerId);
    }

    [Fact]
    public async Task Says_what_to_do_when_no_member_runs_on_the_endpoints_node()
    {
        var swarm = await SwarmWith(("pg-lab_etcd1", "etcd"), ("pg-lab_pg1", "member"));

        var error = await Assert.ThrowsAsync<PatroniUnavailableException>(() => new StackContainerLocator(swarm, "pg-lab", StackContainerLocator.MemberRole).FindAsync(CancellationToken.None));

        Assert.Equal(
            "no member of stack 'pg-lab' runs on node1, the endpoint's node (hint: Patroni's REST API and etcd are reachable on the stack network only and "
            + "the pipeline reaches them through a member container on the engine it talks to: point swarm.endpoint at a manager that runs one)",
            error.Message);
    }

    [Fact]
    public async Task Says_so_when_the_stack_has_no_member_service()
    {
        var swarm = await SwarmWith(("pg-lab_etcd1", "etcd"));

        var error = await Assert.ThrowsAsync<PatroniUnavailableException>(() => new StackContainerLocator(swarm, "pg-lab", StackContainerLocator.MemberRole).FindAsync(CancellationToken.None));

        Assert.Equal("stack 'pg-lab' has no member service (hint: deploy it first: ./build.sh --target=Deploy)", error.Message);
    }
}
