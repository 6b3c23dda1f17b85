using Docker.DotNet.Models;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Patroni;

/// <summary>
/// Keeps etcd's raft leader off the node that runs Patroni's leader. A new raft leader extends every lease by its whole
/// TTL: when one node runs both and is lost, the leader key outlives the loss by about a ttl counted from the new raft
/// election instead of from the key's last renewal (5 s more in the lab, with ttl 20). Asked after a switchover and at
/// the end of a deploy; it changes nothing when they already run apart, and a failure to move is printed, not raised.
/// </summary>
public sealed class EtcdLeaderPlacement(ISwarmApi swarm, string stack, EtcdCtl etcd, Action<string> progress)
{
    /// <summary>Where the stack's members and etcd members run, and which etcd member leads: what <see cref="KeepOffAsync"/> decides on.</summary>
    public sealed record Placement(IReadOnlyDictionary<string, string> Nodes, EtcdLeadership Leadership);

    /// <summary>
    /// Asks where everything runs now; null, with why printed, when it cannot be asked. Started ahead of the call that
    /// decides (a deploy asks it beside its last Patroni read), it adds no time.
    /// </summary>
    public async Task<Placement?> ObserveAsync(CancellationToken cancellation)
    {
        try
        {
            var nodes = NodesAsync(cancellation);
            var leadership = etcd.LeadershipAsync(cancellation);
            await Task.WhenAll(nodes, leadership);
            return new Placement(await nodes, await leadership);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            // Where etcd's leader runs is advice for the next loss of a node: a deploy does not fail on it.
            progress($"etcd's leader left where it is: {e.Message}");
            return null;
        }
    }

    /// <param name="observed">What <see cref="ObserveAsync"/> found since the last change of leader; null: asked now.</param>
    public async Task KeepOffAsync(string patroniLeader, CancellationToken cancellation, Task<Placement?>? observed = null)
    {
        if (await (observed ?? ObserveAsync(cancellation)) is not { } placement
            || !placement.Nodes.TryGetValue(patroniLeader, out var leaderNode)
            || placement.Leadership.Leader is not { } etcdLeader || placement.Nodes.GetValueOrDefault(etcdLeader) != leaderNode)
            return;
        var target = placement.Leadership.Ids.Keys.Order(StringComparer.Ordinal)
            .FirstOrDefault(member => placement.Nodes.TryGetValue(member, out var node) && node != leaderNode);
        if (target is null)
        {
            progress($"etcd's leader {etcdLeader} runs on the node of Patroni's leader {patroniLeader}, and no other etcd member runs elsewhere to take over");
            return;
        }
        progress($"moving etcd's leader from {etcdLeader} to {target}, off the node of Patroni's leader {patroniLeader} "
            + "(losing a node that runs both would keep the leader key a ttl past etcd's next election)");
        try
        {
            await etcd.MoveLeaderAsync(placement.Leadership, target, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            progress($"etcd's leader left where it is: {e.Message}");
        }
    }

    /// <summary>The node of each running member's and etcd member's task, by its name in the environment.</summary>
    private async Task<IReadOnlyDictionary<string, string>> NodesAsync(CancellationToken cancellation)
    {
        var prefix = StackLabels.Scoped(stack, "");
        var services = (await swarm.ListServicesAsync(stack, cancellation))
            .Where(s => StackLabels.RoleOf(s) is StackContainerLocator.MemberRole or StackContainerLocator.EtcdRole
                && s.Spec?.Name is { } name && name.StartsWith(prefix, StringComparison.Ordinal));
        var running = await Task.WhenAll(services.Select(async service => (
            Name: service.Spec!.Name![prefix.Length..],
            Node: (await swarm.ListTasksAsync(service.ID, cancellation))
                .Where(t => t.Status?.State == TaskState.Running && !string.IsNullOrEmpty(t.NodeID))
                .Select(t => t.NodeID)
                .FirstOrDefault())));
        return running.Where(r => r.Node is not null).ToDictionary(r => r.Name, r => r.Node!, StringComparer.Ordinal);
    }
}
