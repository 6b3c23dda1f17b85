using Docker.DotNet.Models;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Swarm;

namespace SwarmPgGitOps.Tests.Patroni;

/// <summary>A Patroni deploy onto the classic lab stack (deployed first to a <see cref="FakeSwarm"/>): the real deployer, Patroni's rollout and its takeover.</summary>
public sealed class ClassicTakeoverTests
{
    private const string Stack = "pg-lab";
    private const string PrimaryVolume = "pg-lab_primary_data";
    private static readonly string[] Etcd = ["etcd1", "etcd2", "etcd3"];
    private static readonly string[] Members = ["pg1", "pg2", "pg3"];

    private readonly Deploying _deploying = new();
    private readonly FakePatroni _patroni;

    public ClassicTakeoverTests()
    {
        _patroni = new FakePatroni(_deploying.Swarm.Journal) { Config = "ttl: 30\n" }
            .With("pg1", PatroniRole.Leader).With("pg2", PatroniRole.SyncStandby).With("pg3", PatroniRole.Replica);
    }

    /// <summary>The Patroni stack; pg1 pinned to node1 (where the classic primary runs) with the volume given.</summary>
    private static DesiredStack Patroni(string? pg1Volume = PrimaryVolume, string pg1Node = "node1") =>
        new(Stack, [], [], [],
        [
            .. Etcd.Select(n => Service(n, StackContainerLocator.EtcdRole, $"{Stack}_{n}_data", "node1")),
            Service("pg1", StackContainerLocator.MemberRole, pg1Volume ?? $"{Stack}_pg1_data", pg1Node),
            Service("pg2", StackContainerLocator.MemberRole, $"{Stack}_pg2_data", "node2"),
            Service("pg3", StackContainerLocator.MemberRole, $"{Stack}_pg3_data", "node3"),
        ]);

    private static DesiredService Service(string key, string role, string volume, string node) => new(key, $"{Stack}_{key}", role, new ServiceSpec
    {
        Name = $"{Stack}_{key}",
        Labels = new Dictionary<string, string> { [StackLabels.Namespace] = Stack, [StackLabels.Role] = role },
        TaskTemplate = new TaskSpec
        {
            ContainerSpec = new ContainerSpec
            {
                Image = "swarm-pg/postgres:17-lab",
                Mounts = [new Mount { Type = "volume", Source = volume, Target = ClassicTakeover.DataPath }],
            },
            Placement = new Placement { Constraints = [$"node.labels.lab.node == {node}"] },
        },
        Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
    });

    private async Task ClassicDeployed()
    {
        await _deploying.Deployed();
        _deploying.Swarm.Journal.Clear();
    }

    private Task<DeployOutcome> Deploy(DesiredStack desired, DeployOptions? options = null)
    {
        var rollout = new PatroniRollout(
            new PatroniCtl(_patroni, new StackContainerLocator(_deploying.Swarm, Stack, StackContainerLocator.MemberRole), Stack),
            new EtcdCtl(_patroni, new StackContainerLocator(_deploying.Swarm, Stack, StackContainerLocator.EtcdRole), ["etcd1:2379", "etcd2:2379", "etcd3:2379"]),
            _deploying.Waiter, _deploying.Report, new PatroniRolloutSettings(Stack, "pg1", Etcd, 16 * 1024 * 1024, "ttl: 30\n", TimeSpan.FromSeconds(10), Synchronous: true),
            _ => Task.CompletedTask, new ClassicTakeover(_deploying.Swarm));
        return _deploying.Clock.Run(new SwarmDeployer(_deploying.Swarm, _deploying.Waiter, _deploying.Report, rollout)
            .DeployAsync(desired, Deploying.ConvergeTimeout, options ?? new DeployOptions()));
    }

    [Fact]
    public async Task Etcd_starts_then_the_classic_services_go_then_the_member_with_the_primary_s_volume_leads_alone_before_the_others_start()
    {
        await ClassicDeployed();

        var outcome = await Deploy(Patroni());

        Assert.Equal(
            ["create pg-lab_etcd1", "create pg-lab_etcd2", "create pg-lab_etcd3", "running pg-lab_etcd1", "running pg-lab_etcd2", "running pg-lab_etcd3",
             "remove pg-lab_primary", "remove pg-lab_replica1", "remove pg-lab_replica2",
             "create pg-lab_pg1", "running pg-lab_pg1",
             "create pg-lab_pg2", "create pg-lab_pg3", "running pg-lab_pg2", "running pg-lab_pg3"],
            _deploying.ServiceJournal());
        Assert.Equal([Deploying.Primary, Deploying.Replica1, Deploying.Replica2], outcome.Removed);
        Assert.Contains(_deploying.Progress, p => p.StartsWith("removing pg-lab_primary before the new layout's first member starts: "
            + "the Patroni layout replaces the classic one and pg1 takes over the primary's volume primary_data", StringComparison.Ordinal));
        Assert.Contains(outcome.Plan.Changes, c => c.Name == Deploying.Primary && c.Change == ChangeKind.Remove);
    }

    [Fact]
    public async Task Without_a_member_on_the_primary_s_volume_the_deploy_is_refused_before_anything_changes()
    {
        await ClassicDeployed();

        var refused = await Assert.ThrowsAsync<ClassicTakeoverException>(() => Deploy(Patroni(pg1Volume: null)));

        Assert.Contains("stack pg-lab runs the classic layout (pg-lab_primary, pg-lab_replica1, pg-lab_replica2)", refused.Message);
        Assert.Contains("give the first member `volume: primary_data`", refused.Message);
        Assert.Contains("--new-cluster", refused.Message);
        Assert.Empty(_deploying.Swarm.Journal);
    }

    [Fact]
    public async Task With_new_cluster_the_classic_services_go_and_a_new_cluster_starts_from_the_preferred_leader()
    {
        await ClassicDeployed();

        await Deploy(Patroni(pg1Volume: null), new DeployOptions(NewCluster: true));

        Assert.Equal(
            ["remove pg-lab_primary", "remove pg-lab_replica1", "remove pg-lab_replica2",
             "create pg-lab_etcd1", "create pg-lab_etcd2", "create pg-lab_etcd3", "create pg-lab_pg1", "claimed by pg1", "create pg-lab_pg2", "create pg-lab_pg3"],
            _deploying.ServiceJournal().Where(e => !e.StartsWith("running", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_member_on_the_primary_s_volume_placed_on_another_node_is_refused_before_anything_changes()
    {
        await ClassicDeployed();

        var refused = await Assert.ThrowsAsync<ClassicTakeoverException>(() => Deploy(Patroni(pg1Node: "node2")));

        Assert.StartsWith("pg1 takes over volume primary_data, which is on node1 where pg-lab_primary ran", refused.Message);
        Assert.Empty(_deploying.Swarm.Journal);
    }

    [Fact]
    public async Task A_takeover_that_fails_removes_what_it_created_and_creates_the_classic_services_again()
    {
        await ClassicDeployed();
        _deploying.Swarm.Fate = (_, spec) => spec.Name == "pg-lab_pg1" ? TaskFate.Fails : TaskFate.Runs;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => Deploy(Patroni()));

        Assert.Contains("created again (removed by this run for the change of layout): pg-lab_primary, pg-lab_replica1, pg-lab_replica2", failure.Message);
        var journal = _deploying.Swarm.Journal;
        Assert.True(journal.IndexOf("remove pg-lab_pg1") < journal.IndexOf("create pg-lab_primary"), string.Join("\n", journal));
        Assert.DoesNotContain("create pg-lab_pg2", journal);
    }
}
