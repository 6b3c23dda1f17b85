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
    public async Task KeepOffAsync(string patroniLeader, CancellationToken cancellation)
    {
        try
        {
            var nodes = await NodesAsync(cancellation);
            if (!nodes.TryGetValue(patroniLeader, out var leaderNode))
                return;
            var leadership = await etcd.LeadershipAsync(cancellation);
            if (leadership.Leader is not { } etcdLeader || nodes.GetValueOrDefault(etcdLeader) != leaderNode)
                return;
            var target = leadership.Ids.Keys.Order(StringComparer.Ordinal)
                .FirstOrDefault(member => nodes.TryGetValue(member, out var node) && node != leaderNode);
            if (target is null)
            {
                progress($"etcd's leader {etcdLeader} runs on the node of Patroni's leader {patroniLeader}, and no other etcd member runs elsewhere to take over");
                return;
            }
            progress($"moving etcd's leader from {etcdLeader} to {target}, off the node of Patroni's leader {patroniLeader} "
                + "(losing a node that runs both would keep the leader key a ttl past etcd's next election)");
            await etcd.MoveLeaderAsync(leadership, target, cancellation);
        }
        catch (Exception e) when (e is PatroniUnavailableException or Docker.DotNet.DockerApiException)
        {
            progress($"etcd's leader left where it is: {e.Message}");
        }
    }

    /// <summary>The node of each running member's and etcd member's task, by its name in the environment.</summary>
    private async Task<IReadOnlyDictionary<string, string>> NodesAsync(CancellationToken cancellation)
    {
        var nodes = new Dictionary<string, string>(StringComparer.Ordinal);
        var prefix = StackLabels.Scoped(stack, "");
        foreach (var service in await swarm.ListServicesAsync(stack, cancellation))
        {
            var role = StackLabels.RoleOf(service);
            if (role is not (StackContainerLocator.MemberRole or StackContainerLocator.EtcdRole) || service.Spec?.Name is not { } name || !name.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            var node = (await swarm.ListTasksAsync(service.ID, cancellation))
                .Where(t => t.Status?.State == TaskState.Running && !string.IsNullOrEmpty(t.NodeID))
                .Select(t => t.NodeID)
                .FirstOrDefault();
            if (node is not null)
                nodes[name[prefix.Length..]] = node;
        }
        return nodes;
    }
}
