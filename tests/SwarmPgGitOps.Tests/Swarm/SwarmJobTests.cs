using Docker.DotNet.Models;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Support;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Tests.Swarm;

public sealed class SwarmJobTests
{
    private readonly TestClock _clock = new();

    private static SwarmService Repository() => new()
    {
        ID = "svc-repository",
        Spec = new ServiceSpec
        {
            Name = "pg-lab_pgbackrest",
            Labels = new Dictionary<string, string> { [StackLabels.Namespace] = "pg-lab" },
            TaskTemplate = new TaskSpec
            {
                ContainerSpec = new ContainerSpec { Image = "swarm-pg/postgres:17-lab" },
                Networks = [new NetworkAttachmentConfig { Target = "pg-lab_pgnet", Aliases = ["pgbackrest"] }],
                Placement = new Placement { Constraints = ["node.labels.lab.node == node2"] },
            },
        },
    };

    [Fact]
    public async Task A_job_joins_its_template_s_network_and_node_but_does_not_answer_to_the_template_s_name()
    {
        var swarm = new FakeSwarm(_clock);
        TaskSpec? ran = null;
        swarm.Fate = (_, spec) =>
        {
            ran = spec.TaskTemplate;
            return TaskFate.Completes;
        };

        var result = await _clock.Run(new SwarmJob(swarm, new Waiter(_clock)).RunAsync(Repository(), "check", ["true"], TimeSpan.FromSeconds(30), null, CancellationToken.None));

        Assert.True(result.Succeeded);
        Assert.NotNull(ran);
        // Members archiving to "pgbackrest" would otherwise be answered with the job's address too, and hang on it once it ended.
        var network = Assert.Single(ran.Networks!);
        Assert.Equal("pg-lab_pgnet", network.Target);
        Assert.Empty(network.Aliases ?? []);
        Assert.Equal(["node.labels.lab.node == node2"], ran.Placement!.Constraints);
    }
}
