using System.Text.Json;
using Docker.DotNet.Models;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Swarm;

namespace SwarmPgGitOps.Tests.Patroni;

/// <summary>etcd's raft leader kept off the node of Patroni's leader: one member and one etcd member per node (pgN and etcdN on nodeN).</summary>
public sealed class EtcdLeaderPlacementTests
{
    private const string Stack = "pg-lab";
    private static readonly Dictionary<string, ulong> Ids = new() { ["etcd1"] = 0x3074c4dd423ec610, ["etcd2"] = 0xb21201ca8b5959b9, ["etcd3"] = 0x2e29f18c823e66b3 };

    private readonly FakeSwarm _swarm = new(TimeProvider.System) { Placement = spec => "n" + spec.Name![^1] };
    private readonly EtcdAnswers _etcd = new();
    private readonly List<string> _printed = [];

    [Fact]
    public async Task An_etcd_leader_on_the_patroni_leaders_node_is_moved_to_the_first_etcd_member_on_another_node()
    {
        await Running();
        _etcd.Leader = "etcd3";

        await Placement().KeepOffAsync("pg3", CancellationToken.None);

        Assert.Equal(["move-leader 3074c4dd423ec610"], _etcd.Changes);
        Assert.Equal(["moving etcd's leader from etcd3 to etcd1, off the node of Patroni's leader pg3 (losing a node that runs both would keep the leader key a ttl past etcd's next election)"], _printed);
    }

    [Fact]
    public async Task An_etcd_leader_on_another_node_stays_where_it_is()
    {
        await Running();
        _etcd.Leader = "etcd2";

        await Placement().KeepOffAsync("pg1", CancellationToken.None);

        Assert.Empty(_etcd.Changes);
        Assert.Empty(_printed);
    }

    [Fact]
    public async Task A_failed_move_is_printed_and_not_raised()
    {
        await Running();
        _etcd.Leader = "etcd1";
        _etcd.RefuseMove = true;

        await Placement().KeepOffAsync("pg1", CancellationToken.None);

        Assert.Equal("etcd's leader left where it is: etcdctl move-leader b21201ca8b5959b9 in pg-lab_etcd1 failed (exit 1): Error: no leader endpoint given", _printed[^1]);
    }

    private EtcdLeaderPlacement Placement() => new(_swarm, Stack,
        new EtcdCtl(_etcd, new StackContainerLocator(_swarm, Stack, StackContainerLocator.EtcdRole), ["etcd1:2379", "etcd2:2379", "etcd3:2379"]), _printed.Add);

    /// <summary>pg1..3 and etcd1..3, each task running on the node of its number.</summary>
    private async Task Running()
    {
        foreach (var (name, role) in new[] { ("pg1", "member"), ("pg2", "member"), ("pg3", "member"), ("etcd1", "etcd"), ("etcd2", "etcd"), ("etcd3", "etcd") })
        {
            await _swarm.CreateServiceAsync(new ServiceSpec
            {
                Name = $"{Stack}_{name}",
                Labels = new Dictionary<string, string> { [StackLabels.Namespace] = Stack, [StackLabels.Role] = role },
                TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = "swarm-pg/postgres:17-lab" } },
                Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
            }, CancellationToken.None);
            while ((await _swarm.ListTasksAsync($"{Stack}_{name}", CancellationToken.None)).All(t => t.Status?.State != TaskState.Running))
            {
            }
        }
    }

    /// <summary>etcdctl's JSON answers for three members, one of them leading.</summary>
    private sealed class EtcdAnswers : IContainerExec
    {
        public string Leader { get; set; } = "etcd1";
        public bool RefuseMove { get; set; }
        public List<string> Changes { get; } = [];

        public Task<ExecResult> ExecAsync(string containerId, IReadOnlyList<string> command, string? stdin, CancellationToken cancellation) =>
            Task.FromResult(command.ToArray() switch
            {
                ["etcdctl", _, _, "-w", "json", "member", "list"] => Ok(JsonSerializer.Serialize(new { members = Ids.Select(m => new { ID = m.Value, name = m.Key }) })),
                ["etcdctl", _, _, "-w", "json", "endpoint", "status"] => Ok(JsonSerializer.Serialize(Ids.Select(m => new
                {
                    Endpoint = $"http://{m.Key}:2379",
                    Status = new { header = new { member_id = m.Value }, leader = Ids[Leader] },
                }))),
                ["etcdctl", _, _, "-w", "json", "move-leader", var id] => Move(id),
                _ => new ExecResult(127, "", $"unknown command {string.Join(" ", command)}"),
            });

        private ExecResult Move(string id)
        {
            if (RefuseMove)
                return new ExecResult(1, "", "Error: no leader endpoint given");
            Changes.Add($"move-leader {id}");
            return Ok("");
        }

        private static ExecResult Ok(string stdout) => new(0, stdout, "");
    }
}
