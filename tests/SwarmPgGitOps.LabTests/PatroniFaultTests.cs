using System.Diagnostics;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Swarm;
using Xunit.Abstractions;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// Faults against the Patroni layout on the real lab (stack pg-hf, deployed once for the class). A small writer commits
/// through the multi-host read-write connection string all along; every acknowledged row must be on the leader and on
/// every member afterwards, every member streaming, Smoke passing. Each test starts from and leaves the healthy state
/// (<see cref="PatroniFaultLabStack.WaitUntilHealthy"/>). The README's fault table lists these tests by their Fault trait.
/// </summary>
[Collection("lab")]
[Trait("Category", "Fault")]
public class PatroniFaultTests(PatroniFaultLabStack stack, ITestOutputHelper output) : IClassFixture<PatroniFaultLabStack>
{
    private const string Marker = PatroniFaultLabStack.DataDirectory + "/fault-marker";

    [Fact]
    [Trait("Fault", "Patroni: replica member's container killed")]
    public async Task A_killed_replica_member_comes_back_streaming_without_a_new_base_backup()
    {
        await stack.WaitUntilHealthy();
        var replica = await AReplica();
        await stack.Exec(replica, "bash", "-c", $"touch {Marker} && chown postgres:postgres {Marker}");
        await using var writer = await ContinuousWriter.StartAsync(stack.LeaderConnectionString());
        var (container, node) = await stack.RunningContainer(replica);

        var clock = Stopwatch.StartNew();
        await LabFixture.DockerCli(node.Socket, ["kill", container]);
        await Waits.Until(async () => await stack.RunningContainerId(replica) is { } id && id != container, TimeSpan.FromSeconds(90), $"a new {replica} task");
        await stack.WaitUntilHealthy();
        var backStreaming = clock.Elapsed;
        await writer.StopAsync();

        Assert.Contains("fault-marker", await stack.Exec(replica, "ls", PatroniFaultLabStack.DataDirectory));
        Assert.DoesNotContain("replica has been created using basebackup", await stack.RunningContainerLogs(replica));
        await stack.AssertEveryMemberHas(writer);
        await stack.AssertSmokePasses();
        output.WriteLine($"{replica}'s container killed: streaming again after {backStreaming.TotalSeconds:0.0} s, same data directory; "
            + $"{writer.Acknowledged.Count} writes acknowledged, 0 lost, longest gap between acknowledged writes {writer.LongestGap().TotalSeconds:0.0} s");
        await stack.Exec(replica, "rm", "-f", Marker);
    }

    [Fact]
    [Trait("Fault", "Patroni: leader's PostgreSQL killed (kill -9 of the postmaster)")]
    public async Task The_leaders_postmaster_killed_inside_its_container_is_recovered_by_Patroni_without_losing_an_acknowledged_write()
    {
        await stack.WaitUntilHealthy();
        var leader = (await stack.Leader())!;
        var (container, _) = await stack.RunningContainer(leader);
        await using var writer = await ContinuousWriter.StartAsync(stack.LeaderConnectionString());
        await writer.NextAcknowledgedAfter(writer.Now, TimeSpan.FromSeconds(30));

        var postmaster = await Postmaster(leader);
        await stack.Exec(leader, "kill", "-9", postmaster);
        var killedAt = writer.Now; // once docker exec returned: a write begun after this cannot have reached the killed server
        var nextWrite = await writer.NextAcknowledgedAfter(killedAt, TimeSpan.FromSeconds(120));
        await Waits.Until(async () => await stack.Leader() is not null, TimeSpan.FromSeconds(120), "one leader");
        var leaderAfter = (await stack.Leader())!;
        await stack.WaitUntilHealthy();
        await writer.StopAsync();

        Assert.Equal(container, await stack.RunningContainerId(leader));
        Assert.NotEqual(postmaster, await Postmaster(leader));
        await stack.AssertEveryMemberHas(writer);
        await stack.AssertSmokePasses();
        var recovery = leaderAfter == leader ? $"Patroni restarted it in place ({leader} still leads)" : $"Patroni failed over from {leader} to {leaderAfter}";
        output.WriteLine($"{leader}'s postmaster killed: {recovery}; next acknowledged write {nextWrite.TotalSeconds:0.0} s after the kill; "
            + $"{writer.Acknowledged.Count} writes acknowledged, 0 lost, longest gap between acknowledged writes {writer.LongestGap().TotalSeconds:0.0} s");
    }

    [Fact]
    [Trait("Fault", "Patroni: replica member's volume removed")]
    public async Task A_member_whose_volume_was_removed_is_cloned_again_by_Patroni_and_streams()
    {
        await stack.WaitUntilHealthy();
        var replica = await AReplica(last: true);
        var (_, node) = await stack.RunningContainer(replica);
        var service = stack.Service(replica);
        await using var writer = await ContinuousWriter.StartAsync(stack.LeaderConnectionString());

        var clock = Stopwatch.StartNew();
        await LabFixture.DockerCli(stack.Lab.Info.Endpoint, ["service", "scale", "--detach=true", $"{service}=0"]);
        try
        {
            await Waits.Until(async () => (await LabFixture.DockerCli(node.Socket, ["ps", "-q", "--filter", $"label=com.docker.swarm.service.name={service}"])).Trim().Length == 0,
                TimeSpan.FromSeconds(60), $"{replica}'s container to stop");
            var stopped = (await LabFixture.DockerCli(node.Socket, ["ps", "-aq", "--filter", $"label=com.docker.swarm.service.name={service}"])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (stopped.Length > 0)
                await LabFixture.DockerCli(node.Socket, ["rm", .. stopped]);
            await LabFixture.DockerCli(node.Socket, ["volume", "rm", $"{service}_data"]);
        }
        finally
        {
            await LabFixture.DockerCli(stack.Lab.Info.Endpoint, ["service", "scale", "--detach=true", $"{service}=1"]);
        }
        await stack.WaitUntilHealthy();
        var backStreaming = clock.Elapsed;
        await writer.StopAsync();

        Assert.Contains("replica has been created using basebackup", await stack.RunningContainerLogs(replica));
        await stack.AssertEveryMemberHas(writer);
        await stack.AssertSmokePasses();
        output.WriteLine($"{replica}'s volume removed: cloned again by Patroni and streaming {backStreaming.TotalSeconds:0.0} s after it was stopped; "
            + $"{writer.Acknowledged.Count} writes acknowledged, 0 lost, longest gap between acknowledged writes {writer.LongestGap().TotalSeconds:0.0} s");
    }

    [Fact]
    [Trait("Fault", "Patroni: deploy cancelled halfway through a rolling member update")]
    public async Task A_deploy_cancelled_halfway_through_a_rolling_member_update_rolls_back_what_it_changed_and_releases_its_lease()
    {
        await stack.WaitUntilHealthy();
        // The stack as the scratch file says (another test's change may not have been deployed when it failed).
        await stack.Deploy();
        await stack.WaitUntilHealthy();
        var (first, second) = await TwoReplicasInUpdateOrder();
        await using var writer = await ContinuousWriter.StartAsync(stack.LeaderConnectionString());
        var restore = stack.ChangeEveryMember();
        var clock = Stopwatch.StartNew();
        try
        {
            using var cancel = new CancellationTokenSource();
            var printedBefore = stack.Output.ToString().Length;
            var deploy = stack.Deploy(cancel.Token);
            await UntilPrinted(printedBefore, $"updating {stack.Service(second)}", deploy, TimeSpan.FromSeconds(180));
            await cancel.CancelAsync();
            var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => deploy);
            var cancelled = clock.Elapsed;
            output.WriteLine(stack.Output.ToString()[printedBefore..]);

            Assert.StartsWith("deploy failed: ", failure.Message);
            Assert.Contains($"{stack.Service(second)}: cancelled", failure.Message);
            Assert.Contains(stack.Service(first), RolledBack(failure.Message));
            Assert.DoesNotContain(await stack.Lab.Docker.Configs.ListConfigsAsync(), c => c.Spec.Name == DeployLock.NameFor(stack.StackName));
            restore();

            var next = await stack.Deploy();

            Assert.False(next.Plan.HasChanges, "the cancelled deploy left a change behind: " + string.Join(", ", next.Updated));
            await stack.WaitUntilHealthy();
            await writer.StopAsync();
            Assert.Equal([stack.Environment.Spec.PatroniCluster().Patroni.PreferredLeader!], await stack.Leaders());
            await stack.AssertEveryMemberHas(writer);
            await stack.AssertSmokePasses();
            output.WriteLine($"deploy cancelled while updating {second}: rolled back and lease released {cancelled.TotalSeconds:0.0} s after it started:\n{failure.Message}\n"
                + $"{writer.Acknowledged.Count} writes acknowledged, 0 lost, longest gap between acknowledged writes {writer.LongestGap().TotalSeconds:0.0} s");
        }
        finally
        {
            restore();
        }
    }

    [Fact]
    [Trait("Fault", "Patroni: replica member's node engine stopped during a deploy")]
    public async Task A_deploy_while_a_replica_members_node_engine_is_down_fails_within_its_timeout_naming_the_member_and_the_next_one_converges()
    {
        await stack.WaitUntilHealthy();
        var (first, second) = await TwoReplicasInUpdateOrder();
        var (_, node) = await stack.RunningContainer(second);
        Assert.NotEqual(stack.Lab.Info.Endpoint, node.Socket);
        await using var writer = await ContinuousWriter.StartAsync(stack.LeaderConnectionString());
        // The change to every member stays once the next deploy converged (the stack and the scratch file agree); it goes if the test fails.
        var change = stack.ChangeEveryMember();
        var converged = false;
        var timeout = stack.EditEnvironment("  converge_timeout_seconds: 240\n", "  converge_timeout_seconds: 75\n");
        try
        {
            var printedBefore = stack.Output.ToString().Length;
            var clock = Stopwatch.StartNew();
            var deploy = stack.Deploy();
            await UntilPrinted(printedBefore, $"updating {stack.Service(second)}", deploy, TimeSpan.FromSeconds(180));
            await LabEngines.Stop(stack.Lab, node);
            await LabEngines.AssertTheOtherManagersKeepQuorum(stack.Lab, node);
            var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => deploy);
            var failedAfter = clock.Elapsed;
            output.WriteLine(stack.Output.ToString()[printedBefore..]);
            output.WriteLine($"deploy with {node.Name}'s engine down failed after {failedAfter.TotalSeconds:0.0} s (converge timeout 75 s):\n{failure.Message}");
            Assert.StartsWith($"deploy failed: {stack.Service(second)}: not converged after 75 s", failure.Message);
            Assert.Contains(stack.Service(first), RolledBack(failure.Message));

            var early = await Assert.ThrowsAsync<PipelineFailedException>(() => stack.Deploy());
            Assert.Equal("preflight failed for lab; nothing was changed", early.Message);
        }
        catch
        {
            timeout();
            change();
            throw;
        }
        finally
        {
            await LabEngines.RestartAll(stack.Lab);
        }
        timeout();

        var converging = Stopwatch.StartNew();
        DeployOutcome outcome;
        try
        {
            outcome = await stack.Deploy();
            converged = true;
        }
        finally
        {
            if (!converged)
                change();
        }
        Assert.Contains(stack.Service(first), outcome.Updated);
        Assert.False((await stack.Deploy()).Plan.HasChanges, stack.Output.ToString());
        await stack.WaitUntilHealthy();
        var convergedAfter = converging.Elapsed;
        await writer.StopAsync();
        await stack.AssertEveryMemberHas(writer);
        await stack.AssertSmokePasses();
        output.WriteLine($"engine back: the next deploy converged and every member streams after {convergedAfter.TotalSeconds:0.0} s (updated {string.Join(", ", outcome.Updated)}); "
            + $"{writer.Acknowledged.Count} writes acknowledged, 0 lost, longest gap between acknowledged writes {writer.LongestGap().TotalSeconds:0.0} s");
    }

    /// <summary>A member that does not lead: the first by name, or the last.</summary>
    private async Task<string> AReplica(bool last = false)
    {
        var leader = await stack.Leader();
        var replicas = stack.Members.Select(m => m.Name).Where(m => m != leader).Order(StringComparer.Ordinal).ToList();
        return last ? replicas[^1] : replicas[0];
    }

    /// <summary>The two replicas in the order a rolling update takes them (by name; the leader comes last).</summary>
    private async Task<(string First, string Second)> TwoReplicasInUpdateOrder() => (await AReplica(), await AReplica(last: true));

    /// <summary>Returns as soon as the deploy printed the line (or ended): polled every 100 ms, so that the fault lands while that step runs.</summary>
    private async Task UntilPrinted(int printedBefore, string line, Task deploy, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!stack.Output.ToString()[printedBefore..].Contains(line, StringComparison.Ordinal) && !deploy.IsCompleted)
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for the deploy to print '{line}'");
            await Task.Delay(100);
        }
    }

    private async Task<string> Postmaster(string member) =>
        (await stack.Exec(member, "head", "-n", "1", $"{PatroniFaultLabStack.DataDirectory}/postmaster.pid")).Trim();

    private static string RolledBack(string printed) =>
        printed.Split('\n').LastOrDefault(l => l.Contains("rolled back: ", StringComparison.Ordinal)) ?? "";
}
