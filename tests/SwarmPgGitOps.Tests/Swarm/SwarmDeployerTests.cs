using Docker.DotNet;
using SwarmPgGitOps.Swarm;
using static SwarmPgGitOps.Tests.Swarm.Deploying;

namespace SwarmPgGitOps.Tests.Swarm;

public sealed class SwarmDeployerTests
{
    /// <summary>What the swarm holds before the deploy, and what git asks for.</summary>
    private sealed record Scenario(bool DeployedBefore, string[] LostServices, Func<SwarmPgGitOps.Swarm.DesiredStack> Desired, string[] Expected);

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["a fresh stack: the primary first and running, then the replicas together"] = new(false, [], () => Desired(),
            ["create " + Primary, "running " + Primary, "create " + Replica1, "create " + Replica2, "running " + Replica1, "running " + Replica2]),
        ["a new image: the primary first, then existing replicas one at a time"] = new(true, [], () => Desired(Image("swarm-pg/postgres:15-next", "primary", "replica1", "replica2")),
            ["update " + Primary, "running " + Primary, "update " + Replica1, "running " + Replica1, "update " + Replica2, "running " + Replica2]),
        ["a lost replica is created before an existing one is updated"] = new(true, [Replica2], () => Desired(Image("swarm-pg/postgres:15-next", "replica1")),
            ["create " + Replica2, "running " + Replica2, "update " + Replica1, "running " + Replica1]),
        ["a changed primary and a lost replica: the primary first"] = new(true, [Replica2], () => Desired(Image("swarm-pg/postgres:15-next", "primary")),
            ["update " + Primary, "running " + Primary, "create " + Replica2, "running " + Replica2]),
        ["only one replica changed: only it is touched"] = new(true, [], () => Desired(Image("swarm-pg/postgres:15-next", "replica2")),
            ["update " + Replica2, "running " + Replica2]),
        ["nothing changed: nothing is touched"] = new(true, [], () => Desired(), []),
    };

    public static TheoryData<string> ScenarioNames => new(Scenarios.Keys);

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task Services_change_in_waves(string name)
    {
        var scenario = Scenarios[name];
        var deploying = new Deploying();
        if (scenario.DeployedBefore)
            await deploying.Deployed();
        foreach (var lost in scenario.LostServices)
            deploying.Swarm.RemoveService(lost);

        await deploying.Deploy(scenario.Desired());

        Assert.Equal(scenario.Expected, deploying.ServiceJournal());
    }

    [Fact]
    public async Task A_classic_file_onto_a_stack_of_the_Patroni_layout_is_refused_before_anything_changes()
    {
        var deploying = new Deploying();
        await deploying.Swarm.CreateServiceAsync(new Docker.DotNet.Models.ServiceSpec
        {
            Name = "pg-lab_pg1",
            Labels = new Dictionary<string, string> { [StackLabels.Namespace] = "pg-lab", [StackLabels.Role] = "member" },
            TaskTemplate = new Docker.DotNet.Models.TaskSpec { ContainerSpec = new Docker.DotNet.Models.ContainerSpec { Image = "swarm-pg/postgres:17-lab" } },
        }, CancellationToken.None);
        deploying.Swarm.Journal.Clear();

        var refused = await Assert.ThrowsAsync<LayoutChangeRefusedException>(() => deploying.Deploy(Desired()));

        Assert.StartsWith("stack pg-lab runs the Patroni layout (pg-lab_pg1) and this environment file has the classic layout", refused.Message);
        Assert.Empty(deploying.Swarm.Journal);
    }

    [Fact]
    public async Task A_failing_replica_rolls_back_what_this_run_updated_and_nothing_else()
    {
        var deploying = await new Deploying().Deployed();
        var before = ImageOf(deploying.Swarm.SpecOf(Replica2));
        deploying.Swarm.Fate = (service, spec) => service == Replica1 && IsNext(spec)
            ? TaskFate.Fails : TaskFate.Runs;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => deploying.Deploy(Desired(Image("swarm-pg/postgres:15-next", "primary", "replica1", "replica2"))));

        Assert.Equal(
            $"deploy failed: {Replica1}: 3 tasks failed\n  task error: task: non-zero exit (1)\n  rolled back: {Primary}, {Replica1}\n  last log lines:\n    log of {Replica1}",
            failure.Message);
        Assert.Equal(
            ["update " + Primary, "running " + Primary, "update " + Replica1, "update " + Replica1, "running " + Replica1, "update " + Primary, "running " + Primary],
            deploying.ServiceJournal());
        Assert.All(new[] { Primary, Replica1, Replica2 }, s => Assert.Equal(before, ImageOf(deploying.Swarm.SpecOf(s))));
    }

    [Fact]
    public async Task A_rollback_started_by_Swarm_is_waited_for_and_the_rest_is_rolled_back_by_the_deploy()
    {
        var deploying = await new Deploying().Deployed();
        var before = ImageOf(deploying.Swarm.SpecOf(Replica1));
        deploying.Swarm.Fate = (service, spec) => service == Replica1 && IsNext(spec)
            ? TaskFate.SwarmRollsBack : TaskFate.Runs;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => deploying.Deploy(Desired(Image("swarm-pg/postgres:15-next", "primary", "replica1"))));

        Assert.StartsWith($"deploy failed: {Replica1}: Swarm rollback started the update: update paused due to failure", failure.Message);
        Assert.Contains($"Swarm is rolling {Replica1} back to its previous spec", deploying.Progress);
        Assert.Equal(
            ["update " + Primary, "running " + Primary, "update " + Replica1, "swarm rolled back " + Replica1, "update " + Primary, "running " + Primary],
            deploying.ServiceJournal());
        Assert.Equal(before, ImageOf(deploying.Swarm.SpecOf(Replica1)));
        Assert.Equal(before, ImageOf(deploying.Swarm.SpecOf(Primary)));
    }

    [Fact]
    public async Task The_next_service_is_updated_while_Swarm_still_monitors_the_one_before_and_the_deploy_ends_once_every_update_completed()
    {
        var deploying = await new Deploying().Deployed();
        deploying.Swarm.MonitorLooks = 4;

        var outcome = await deploying.Deploy(Desired(Image("swarm-pg/postgres:15-next", "primary", "replica1", "replica2")));

        var journal = deploying.Swarm.Journal;
        Assert.True(journal.IndexOf("update " + Replica1) < journal.IndexOf("update completed " + Primary), string.Join("\n", journal));
        Assert.All(new[] { Primary, Replica1, Replica2 }, s => Assert.Contains("update completed " + s, journal));
        Assert.Equal([Primary, Replica1, Replica2], outcome.Updated);
    }

    [Fact]
    public async Task A_service_that_fails_while_Swarm_monitors_its_update_fails_the_deploy_after_the_next_one_and_both_are_rolled_back()
    {
        var deploying = await new Deploying().Deployed();
        var before = ImageOf(deploying.Swarm.SpecOf(Replica1));
        deploying.Swarm.MonitorLooks = 4;
        deploying.Swarm.Fate = (service, spec) => service == Replica1 && IsNext(spec) ? TaskFate.FailsWhileMonitored : TaskFate.Runs;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => deploying.Deploy(Desired(Image("swarm-pg/postgres:15-next", "replica1", "replica2"))));

        Assert.StartsWith($"deploy failed: {Replica1}: Swarm rollback started the update: update rolled back due to failure", failure.Message);
        var journal = deploying.Swarm.Journal;
        Assert.Contains("update " + Replica2, journal);
        Assert.True(journal.IndexOf("update " + Replica2) < journal.IndexOf("failed while monitored " + Replica1), string.Join("\n", journal));
        Assert.All(new[] { Replica1, Replica2 }, s => Assert.Equal(before, ImageOf(deploying.Swarm.SpecOf(s))));
    }

    [Fact]
    public async Task A_service_rolled_back_to_a_spec_that_fails_while_Swarm_monitors_it_is_reported_as_not_rolled_back()
    {
        var deploying = await new Deploying().Deployed();
        deploying.Swarm.MonitorLooks = 2;
        deploying.Swarm.Fate = (service, spec) => service == Replica1 && IsNext(spec) ? TaskFate.Fails
            : service == Primary && !IsNext(spec) ? TaskFate.FailsWhileMonitored : TaskFate.Runs;

        await Assert.ThrowsAsync<DeployFailedException>(() => deploying.Deploy(Desired(Image("swarm-pg/postgres:15-next", "primary", "replica1"))));

        Assert.Contains(deploying.Progress, p => p.StartsWith($"rollback of {Primary} did not converge either: Swarm rollback started", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_replica_that_never_comes_up_ends_the_wait_at_the_converge_timeout_with_progress_on_the_way()
    {
        var deploying = await new Deploying().Deployed();
        deploying.Swarm.Fate = (service, spec) => service == Replica2 && IsNext(spec)
            ? TaskFate.Hangs : TaskFate.Runs;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => deploying.Deploy(Desired(Image("swarm-pg/postgres:15-next", "replica2")), TimeSpan.FromSeconds(12)));

        Assert.StartsWith($"deploy failed: {Replica2}: not converged after 12 s (0/1 running)\n  rolled back: {Replica2}", failure.Message);
        Assert.Equal([$"  {Replica2}: 0/1 running, task starting on node1, 5 s", $"  {Replica2}: 0/1 running, task starting on node1, 10 s"],
            deploying.Progress.Where(p => p.StartsWith("  ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_rollback_of_a_replica_whose_node_is_down_stops_waiting_once_no_node_can_take_its_task_and_says_so()
    {
        var deploying = await new Deploying().Deployed();
        deploying.Swarm.Fate = (service, _) => service == Replica2 ? TaskFate.Unplaceable : TaskFate.Runs;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => deploying.Deploy(Desired(Image("swarm-pg/postgres:15-next", "replica2")), TimeSpan.FromSeconds(12)));

        Assert.StartsWith($"deploy failed: {Replica2}: not converged after 12 s (0/1 running)\n  rolled back: {Replica2}", failure.Message);
        var rollback = deploying.Progress.SkipWhile(p => !p.StartsWith($"rolling {Replica2} back", StringComparison.Ordinal)).ToList();
        Assert.Equal($"rollback of {Replica2} did not converge either: no node can take its task ({FakeSwarm.UnplaceableError}); Swarm places it when its node is back",
            Assert.Single(rollback, p => p.StartsWith("rollback of", StringComparison.Ordinal)));
        Assert.DoesNotContain(rollback, p => p.EndsWith(", 10 s", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(4, true)]
    [InlineData(5, false)]
    public async Task An_update_refused_as_out_of_sequence_is_sent_again_against_the_new_version(int refusals, bool deployed)
    {
        var deploying = await new Deploying().Deployed();
        deploying.Swarm.OutOfSequenceUpdates = refusals;

        var deploy = deploying.Deploy(Desired(Image("swarm-pg/postgres:15-next", "primary")));

        if (deployed)
        {
            await deploy;
            Assert.Equal(["update " + Primary, "running " + Primary], deploying.ServiceJournal());
            Assert.Equal("swarm-pg/postgres:15-next", ImageOf(deploying.Swarm.SpecOf(Primary)));
        }
        else
        {
            var refused = await Assert.ThrowsAsync<DeployFailedException>(() => deploy);
            Assert.Equal($"deploy failed: updating {Primary}: 500 rpc error: code = Unknown desc = update out of sequence", refused.Message);
            Assert.Empty(deploying.ServiceJournal());
        }
        Assert.Equal(Math.Min(refusals + 1, 5), deploying.Swarm.UpdateAttempts);
    }

    [Theory]
    [InlineData(-3)]
    [InlineData(0)]
    [InlineData(3)]
    public async Task Convergence_goes_by_the_managers_own_task_list_not_the_runners_clock(int managerClockOffsetSeconds)
    {
        var deploying = new Deploying();
        deploying.Swarm.ManagerClockOffset = TimeSpan.FromSeconds(managerClockOffsetSeconds);

        var created = await deploying.Deploy(Desired());
        var updated = await deploying.Deploy(Desired(Image("swarm-pg/postgres:15-next", "primary", "replica1", "replica2")));

        Assert.Equal([Primary, Replica1, Replica2], created.Created);
        Assert.Equal([Primary, Replica1, Replica2], updated.Updated);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_service_dropped_from_the_stack_is_removed_only_with_prune(bool prune)
    {
        var deploying = await new Deploying().Deployed();
        var desired = Desired();

        var outcome = await deploying.Deploy(desired with { Services = desired.Services.Where(s => s.Name != Replica2).ToList() }, options: new SwarmPgGitOps.Swarm.DeployOptions(Prune: prune));

        Assert.Equal(prune ? [Replica2] : [], outcome.Removed);
        Assert.Equal(prune ? ["remove " + Replica2] : [], deploying.ServiceJournal());
    }
}
