using Docker.DotNet.Models;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Patroni;

/// <summary>A running container of a Patroni member service, on the engine the endpoint talks to.</summary>
public sealed record MemberContainer(string Service, string ContainerId);

/// <summary>
/// Finds a member container the pipeline can run patronictl in. Docker runs exec only on the engine it asks, so the
/// container must be on the endpoint's own node.
/// </summary>
public sealed class MemberContainerLocator(ISwarmApi swarm, string stack)
{
    public const string MemberRole = "member";

    public async Task<MemberContainer> FindAsync(CancellationToken cancellation)
    {
        var info = await swarm.GetSystemInfoAsync(cancellation);
        var localNode = info.Swarm?.NodeID ?? "";
        var members = (await swarm.ListServicesAsync(stack, cancellation))
            .Where(s => s.Spec?.Labels is { } labels && labels.TryGetValue(StackLabels.Role, out var role) && role == MemberRole)
            .Select(s => (s.ID, Name: s.Spec!.Name ?? s.ID))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var (id, name) in members)
        {
            var container = (await swarm.ListTasksAsync(id, cancellation))
                .Where(t => t.NodeID == localNode && t.Status?.State == TaskState.Running)
                .Select(t => t.Status?.ContainerStatus?.ContainerID)
                .FirstOrDefault(c => !string.IsNullOrEmpty(c));
            if (container is not null)
                return new MemberContainer(name, container);
        }
        var node = string.IsNullOrEmpty(info.Name) ? "the endpoint's node" : $"{info.Name}, the endpoint's node";
        throw new PatroniUnavailableException(members.Count == 0
            ? $"stack '{stack}' has no Patroni member service (hint: deploy it first: ./build.sh --target=Deploy)"
            : $"no member of stack '{stack}' runs on {node} (hint: Patroni's REST API is reachable on the stack network only and "
              + "the pipeline asks it through a member container on the engine it talks to: point swarm.endpoint at a manager that runs a member)");
    }
}
