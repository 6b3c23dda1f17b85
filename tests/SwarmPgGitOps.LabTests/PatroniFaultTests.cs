using System.Diagnostics;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Swarm;
using Xunit.Abstractions;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// Faults against the Patroni layout on the real lab (stack pg-hf, deployed once for the class). A small writer commits
/// through the read-write endpoint (HAProxy's read-write port on every node) all along; every acknowledged row must be on the leader and on
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
        await using var writer = await ContinuousWriter.StartAsync(stack.WriterConnectionString());
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
        await using var writer = await ContinuousWriter.StartAsync(stack.WriterConnectionString());
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
        await using var writer = await ContinuousWriter.StartAsync(stack.WriterConnectionString());

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
        await using var writer = await ContinuousWriter.StartAsync(stack.WriterConnectionString());
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
        await using var writer = await ContinuousWriter.StartAsync(stack.WriterConnectionString());
        // The change to every member stays once the next deploy converged (the stack and the scratch file agree); it goes if the test fails.
        var change = stack.ChangeEveryMember();
        var converged = false;
        var timeout = stack.EditEnvironment("  converge_timeout_seconds: 240\n", "  converge_timeout_seconds: 50\n");
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
            output.WriteLine($"deploy with {node.Name}'s engine down failed after {failedAfter.TotalSeconds:0.0} s (converge timeout 50 s):\n{failure.Message}");
            Assert.StartsWith($"deploy failed: {stack.Service(second)}: not converged after 50 s", failure.Message);
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

    /// <summary>
    /// One sequence, each fault's recovery the next one's start: a switchover to the synchronous standby (off the swarm
    /// endpoint's node); the other replica's WAL receiver stopped until it lags beyond maximum_lag_on_failover; the new
    /// leader's node lost; its node back.
    /// </summary>
    [Fact]
    [Trait("Fault", "Patroni: switchover under the writer")]
    [Trait("Fault", "Patroni: replica lagging beyond maximum_lag_on_failover (its WAL receiver stopped)")]
    [Trait("Fault", "Patroni: leader's node lost (engine and containers stopped)")]
    [Trait("Fault", "Patroni: old leader's node back")]
    public async Task Under_a_writer_a_switchover_then_the_leaders_node_lost_promote_the_synchronous_standby_not_a_lagging_replica_and_the_old_leader_rejoins_by_pg_rewind()
    {
        await stack.WaitUntilHealthy();
        var first = (await stack.Leader())!;
        await using var writer = await ContinuousWriter.StartAsync(stack.WriterConnectionString());
        await writer.NextAcknowledgedAfter(writer.Now, TimeSpan.FromSeconds(30));

        var leader = (await stack.StandbysOf(first)).Single(s => s.Value == "sync").Key;
        var switchoverStarted = writer.Now;
        await new SwitchoverStep(stack.Layout, LabStack.PlainConsole(stack.Output)).RunAsync("lab", leader);
        var switchedOver = writer.Now;
        Assert.Equal([leader], await stack.AnsweringLeaders());
        var switchoverGap = writer.LongestGap(switchoverStarted, switchedOver);
        output.WriteLine($"switchover {first} -> {leader} under the writer: took {(switchedOver - switchoverStarted).TotalSeconds:0.0} s (the task, until every member is healthy); "
            + $"longest gap between acknowledged writes {switchoverGap.TotalSeconds:0.00} s; the writer's failed attempts (seconds after the task began):\n{writer.FailuresBetween(switchoverStarted, switchedOver)}");

        Dictionary<string, string> standbys = [];
        await Waits.Until(async () => (standbys = new(await stack.StandbysOf(leader))).Values.Order().SequenceEqual(["async", "sync"]),
            TimeSpan.FromSeconds(60), $"a synchronous and an asynchronous standby streaming from {leader}");
        var (successor, lagging) = (standbys.Single(s => s.Value == "sync").Key, standbys.Single(s => s.Value == "async").Key);
        var maximumLag = stack.Environment.Spec.PatroniCluster().Patroni.MaximumLagOnFailover;
        var walReceiver = await WalReceiverPid(lagging);
        var node = (await stack.RunningContainer(leader)).Node;
        Assert.NotEqual(stack.Lab.Info.Endpoint, node.Socket);
        var loopWaitSeconds = stack.Environment.Spec.PatroniCluster().Patroni.LoopWait;
        var nodeLost = false;
        try
        {
            (long Id, TimeSpan Started, TimeSpan At, string Server) firstWrite;
            TimeSpan lostAt;
            var lostSince = DateTimeOffset.UtcNow;
            await stack.Exec(lagging, "kill", "-STOP", walReceiver);
            try
            {
                await using (var connection = stack.Connect(stack.Member(leader)))
                    await PatroniLabStack.Scalar<int>(connection, "DROP TABLE IF EXISTS fault_filler; CREATE TABLE fault_filler AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 40000) g; SELECT 1");
                long? lagBytes = null;
                await Waits.Until(async () => (lagBytes = (await stack.PatroniList(successor)).Find(lagging)?.LagBytes) > maximumLag,
                    TimeSpan.FromSeconds(60), $"Patroni to see {lagging} lag beyond maximum_lag_on_failover ({maximumLag} bytes)");

                // Patroni publishes the lag just seen as the leader renews its key, so a loss right now would always meet a
                // fresh key (the worst case: a whole ttl to wait). A node is lost at any point of the leader's loop: the
                // loss comes a random part of loop_wait later.
                await Task.Delay(TimeSpan.FromSeconds(Random.Shared.NextDouble() * loopWaitSeconds));
                lostSince = DateTimeOffset.UtcNow;
                lostAt = writer.Now;
                await LabEngines.Lose(node);
                nodeLost = true;
                try
                {
                    firstWrite = await writer.FirstAcknowledgedAfter(lostAt, server => server != leader, TimeSpan.FromSeconds(120));
                }
                catch (TimeoutException)
                {
                    output.WriteLine($"no write acknowledged since {node.Name} was lost at {lostSince:HH:mm:ss.fff}; answering leaders: {string.Join(", ", await stack.AnsweringLeaders())}; "
                        + $"Patroni's view from {successor}: {string.Join("; ", (await stack.PatroniList(successor)).Members.Select(m => $"{m.Name} {m.Role} {m.State} lag {m.LagText}"))}\n"
                        + $"{successor}'s Patroni:\n{await stack.PatroniDecisions(successor, lostSince, 40)}\n{lagging}'s:\n{await stack.PatroniDecisions(lagging, lostSince, 20)}");
                    throw;
                }
                output.WriteLine($"{lagging}'s WAL receiver stopped: {lagBytes:N0} bytes behind in Patroni's view (maximum_lag_on_failover {maximumLag} bytes)");
                Assert.Equal(successor, firstWrite.Server);
                Assert.Equal([successor], await stack.AnsweringLeaders());
                Assert.NotEqual(PatroniRole.Leader, (await stack.PatroniList(successor)).Find(lagging)?.Role);
            }
            finally
            {
                await stack.Exec(lagging, "kill", "-CONT", walReceiver);
            }
            output.WriteLine($"{leader}'s node {node.Name} lost (engine and containers killed): {successor} (the synchronous standby) promoted, {lagging} (lagging) not; "
                + $"first acknowledged write on {successor} {(firstWrite.At - lostAt).TotalSeconds:0.0} s after the loss at {lostSince:HH:mm:ss.fff} (ttl {stack.Environment.Spec.PatroniCluster().Patroni.Ttl} s); "
                + $"{successor}'s Patroni meanwhile:\n{await stack.PatroniDecisions(successor, lostSince)}\n"
                + $"the writer's failed attempts meanwhile (seconds after the loss):\n{writer.FailuresBetween(lostAt, firstWrite.At)}");

            var backSince = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            await LabEngines.RestartAll(stack.Lab);
            nodeLost = false;
            var engineBack = clock.Elapsed;
            await stack.WaitUntilStreaming();
            var streaming = clock.Elapsed;
            var log = await stack.EveryContainerLog(leader, backSince);
            if (LastRenewalBefore(await stack.EveryContainerLog(leader, lostSince.AddSeconds(-30)), lostSince) is { } renewed)
                output.WriteLine($"{leader} last renewed the leader key {(lostSince - renewed).TotalSeconds:0.0} s before its node was lost (loop_wait {loopWaitSeconds} s)");
            // Rewound when the lost leader had written WAL its standby never received; when it had not (its WAL ends at
            // or before the new timeline's switch point), PostgreSQL follows the new timeline as it is.
            var rewound = log.Contains("running pg_rewind from", StringComparison.Ordinal);
            Assert.True(rewound || log.Contains("new target timeline is", StringComparison.Ordinal), $"{leader} neither rewound nor followed the new timeline:\n{log}");
            Assert.DoesNotContain("replica has been created using basebackup", log);
            Assert.DoesNotContain("trying to bootstrap from leader", log);
            output.WriteLine($"{node.Name} back: engine up {engineBack.TotalSeconds:0.0} s, {leader} {(rewound ? "rewound (pg_rewind" : "followed the new timeline (it had not diverged, no pg_rewind")}, no base backup) and streaming {streaming.TotalSeconds:0.0} s after the restart began:\n"
                + string.Join("\n", log.Split('\n').Where(l => l.Contains("rewind", StringComparison.OrdinalIgnoreCase) || l.Contains("new target timeline", StringComparison.Ordinal)).Take(8)));
        }
        finally
        {
            if (nodeLost)
                await LabEngines.RestartAll(stack.Lab);
        }
        await writer.StopAsync();
        await using (var onLeader = new Npgsql.NpgsqlConnection(stack.WriterConnectionString()))
            output.WriteLine($"{writer.Acknowledged.Count} writes acknowledged, rows lost (acknowledged, not on the leader): {await writer.MissingOn(onLeader)}");
        await stack.AssertEveryMemberHas(writer);
        await stack.AssertSmokePasses();
        output.WriteLine($"every acknowledged row on every member, Smoke passes; longest gap between acknowledged writes over the sequence {writer.LongestGap().TotalSeconds:0.0} s");
    }

    /// <summary>
    /// The leader's node cut off from the other nodes while it runs (the host, like a client on its side, still reaches
    /// it); then, once it rejoined, the etcd member on the new leader's node stopped and started again.
    /// </summary>
    [Fact]
    [Trait("Fault", "Patroni: leader's node cut off from the others (network partition)")]
    [Trait("Fault", "Patroni: one etcd member lost")]
    public async Task The_leader_cut_off_stops_accepting_writes_before_another_leads_and_rejoins_by_pg_rewind_then_one_etcd_member_lost_leaves_writes_going()
    {
        await stack.WaitUntilHealthy();
        var old = (await stack.Leader())!;
        var node = (await stack.RunningContainer(old)).Node;
        await using var writer = await ContinuousWriter.StartAsync(stack.WriterConnectionString());
        await writer.NextAcknowledgedAfter(writer.Now, TimeSpan.FromSeconds(30));

        var cutSince = DateTimeOffset.UtcNow;
        var cutAt = writer.Now;
        (long Id, TimeSpan Started, TimeSpan At, string Server) firstWrite;
        TimeSpan readOnlyAfter;
        try
        {
            await LabEngines.CutOff(stack.Lab, node);
            firstWrite = await writer.FirstAcknowledgedAfter(cutAt, server => server != old, TimeSpan.FromSeconds(120));
            readOnlyAfter = writer.Now - cutAt;
            // Still cut off: the old leader answers the host, read-only (or not at all while Patroni restarts it).
            Assert.Equal([firstWrite.Server], await stack.AnsweringLeaders());
        }
        finally
        {
            await LabEngines.Reconnect(stack.Lab, node);
        }
        var successor = firstWrite.Server;
        var lastOnOld = writer.Acknowledged.Where(a => a.Server == old).Max(a => a.At);
        var firstOnSuccessor = writer.Acknowledged.Where(a => a.Server == successor).Min(a => a.At);
        output.WriteLine($"{old}'s node {node.Name} cut off: last write acknowledged by {old} {(lastOnOld - cutAt).TotalSeconds:0.0} s after the cut, "
            + $"first by {successor} {(firstOnSuccessor - cutAt).TotalSeconds:0.0} s after it ({writer.Acknowledged.Count(a => a.Server == old && a.Started > cutAt)} writes begun after the cut acknowledged by {old}); "
            + $"{old} was read-only or silent when checked {readOnlyAfter.TotalSeconds:0.0} s after the cut at {cutSince:HH:mm:ss.fff}; "
            + $"{old}'s Patroni meanwhile:\n{await stack.PatroniDecisions(old, cutSince, 6)}\n{successor}'s:\n{await stack.PatroniDecisions(successor, cutSince)}");
        Assert.True(lastOnOld < firstOnSuccessor, $"{old} acknowledged a write at {lastOnOld} after {successor} did at {firstOnSuccessor}");

        var clock = Stopwatch.StartNew();
        await Waits.Until(async () =>
        {
            try
            {
                return (await stack.Lab.Docker.Swarm.ListNodesAsync()).All(n => n.Status.State == "ready");
            }
            catch (Docker.DotNet.DockerApiException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(90), "every swarm node ready again");
        await stack.WaitUntilStreaming();
        var rejoined = clock.Elapsed;
        Assert.Equal([successor], await stack.AnsweringLeaders());
        var log = await stack.EveryContainerLog(old, cutSince);
        Assert.Contains("running pg_rewind from", log);
        Assert.DoesNotContain("replica has been created using basebackup", log);
        output.WriteLine($"{node.Name} reconnected: {old} rewound (pg_rewind, no base backup) and streaming from {successor} {rejoined.TotalSeconds:0.0} s later");
        await stack.AssertEveryMemberHas(writer);
        await stack.AssertSmokePasses();

        var leaderNode = (await stack.RunningContainer(successor)).Node;
        var etcd = stack.Environment.Spec.PatroniCluster().Dcs.Members.Single(e => e.Placement.Values.Contains(leaderNode.Name)).Name;
        var service = stack.Service(etcd);
        var lostAt = writer.Now;
        var ttl = TimeSpan.FromSeconds(stack.Environment.Spec.PatroniCluster().Patroni.Ttl);
        await LabFixture.DockerCli(stack.Lab.Info.Endpoint, ["service", "scale", "--detach=true", $"{service}=0"]);
        TimeSpan writesWentOn;
        try
        {
            await Waits.Until(async () => (await LabFixture.DockerCli(leaderNode.Socket, ["ps", "-q", "--filter", $"label=com.docker.swarm.service.name={service}"])).Trim().Length == 0,
                TimeSpan.FromSeconds(60), $"{etcd}'s container to stop");
            // Acknowledged more than a ttl after the loss: the leader renewed its key through the other two etcd members.
            writesWentOn = (await writer.FirstAcknowledgedAfter(lostAt + ttl, server => server == successor, TimeSpan.FromSeconds(90))).At - lostAt;
            Assert.All(writer.Acknowledged.Where(a => a.Started > lostAt), a => Assert.Equal(successor, a.Server));
        }
        finally
        {
            await LabFixture.DockerCli(stack.Lab.Info.Endpoint, ["service", "scale", "--detach=true", $"{service}=1"]);
        }
        var etcdGap = writer.LongestGap(lostAt, writer.Now);
        var back = Stopwatch.StartNew();
        var etcdctl = SwarmPgGitOps.Patroni.EtcdCtl.For(stack.Environment.Spec, new SwarmPgGitOps.Swarm.DockerSwarmApi(stack.Lab.Docker));
        await Waits.Until(async () =>
        {
            try
            {
                var status = await etcdctl.StatusAsync(CancellationToken.None);
                return status.Members.Count == 3 && status.Endpoints.Count == 3 && status.Endpoints.All(e => e.Healthy);
            }
            catch (SwarmPgGitOps.Patroni.PatroniUnavailableException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(90), $"{etcd} back in etcd's membership and healthy");
        output.WriteLine($"{etcd} (on the leader's node {leaderNode.Name}) lost: writes went on through {successor} ({writesWentOn.TotalSeconds:0.0} s and more after the loss, ttl {ttl.TotalSeconds:0} s), "
            + $"longest gap between acknowledged writes meanwhile {etcdGap.TotalSeconds:0.00} s; back and healthy {back.Elapsed.TotalSeconds:0.0} s after its service was scaled up again");

        await writer.StopAsync();
        await stack.AssertEveryMemberHas(writer);
        await stack.AssertSmokePasses();
        output.WriteLine($"{writer.Acknowledged.Count} writes acknowledged, 0 lost");
    }

    /// <summary>When the leader last renewed its key before <paramref name="before"/>: its "the leader with the lock" lines (Patroni logs in UTC).</summary>
    private static DateTimeOffset? LastRenewalBefore(string log, DateTimeOffset before) =>
        log.Split('\n').Where(l => l.Contains("the leader with the lock", StringComparison.Ordinal) && l.Length >= 23)
            .Select(l => DateTimeOffset.TryParseExact(l[..23], "yyyy-MM-dd HH:mm:ss,fff", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTimeOffset?)null)
            .Where(at => at < before).Max();

    private async Task<string> WalReceiverPid(string member)
    {
        await using var connection = stack.Connect(stack.Member(member));
        return (await PatroniLabStack.Scalar<int>(connection, "SELECT pid FROM pg_stat_wal_receiver")).ToString(System.Globalization.CultureInfo.InvariantCulture);
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
