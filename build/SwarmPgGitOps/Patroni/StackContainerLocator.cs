using Docker.DotNet.Models;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Patroni;

/// <summary>A running container of one of the stack's services, on the engine the endpoint talks to.</summary>
public sealed record StackContainer(string Service, string ContainerId);

/// <summary>
/// Finds a container of the stack, by its service's role, that the pipeline can run a command in (patronictl in a
/// member, etcdctl in an etcd member). Docker runs exec only on the engine it asks, so the container must be on the
/// endpoint's own node.
/// </summary>
public sealed class StackContainerLocator(ISwarmApi swarm, string stack, string role)
{
    public const string MemberRole = "member";
    public const string EtcdRole = "etcd";
    public const string HaproxyRole = Rendering.RenderEndpoints.Role;

    /// <summary>
    /// The running container of the stack's service <paramref name="key"/> (its name in the environment) on the
    /// endpoint's node; null when it runs elsewhere or not at all.
    /// </summary>
    public static async Task<StackContainer?> OfServiceAsync(ISwarmApi swarm, string stack, string key, CancellationToken cancellation)
    {
        var name = StackLabels.Scoped(stack, key);
        var info = swarm.GetSystemInfoAsync(cancellation);
        var service = (await swarm.ListServicesAsync(stack, cancellation)).FirstOrDefault(s => s.Spec?.Name == name);
        if (service is null)
            return null;
        var container = await RunningOnAsync(swarm, service.ID, (await info).Swarm?.NodeID ?? "", cancellation);
        return container is null ? null : new StackContainer(name, container);
    }

    /// <summary>The container of the service's running task on <paramref name="node"/>, if it has one.</summary>
    private static async Task<string?> RunningOnAsync(ISwarmApi swarm, string serviceId, string node, CancellationToken cancellation) =>
        (await swarm.ListTasksAsync(serviceId, cancellation))
            .Where(t => t.NodeID == node && t.Status?.State == TaskState.Running)
            .Select(t => t.Status?.ContainerStatus?.ContainerID)
            .FirstOrDefault(c => !string.IsNullOrEmpty(c));

    public async Task<StackContainer> FindAsync(CancellationToken cancellation)
    {
        var info = await swarm.GetSystemInfoAsync(cancellation);
        var localNode = info.Swarm?.NodeID ?? "";
        var services = (await swarm.ListServicesAsync(stack, cancellation))
            .Where(s => StackLabels.RoleOf(s) == role)
            .Select(s => (s.ID, Name: s.Spec!.Name ?? s.ID))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var (id, name) in services)
        {
            if (await RunningOnAsync(swarm, id, localNode, cancellation) is { } container)
                return new StackContainer(name, container);
        }
        var node = string.IsNullOrEmpty(info.Name) ? "the endpoint's node" : $"{info.Name}, the endpoint's node";
        throw new PatroniUnavailableException(services.Count == 0
            ? $"stack '{stack}' has no {role} service (hint: deploy it first: ./build.sh --target=Deploy)"
            : $"no {role} of stack '{stack}' runs on {node} (hint: Patroni's REST API and etcd are reachable on the stack network only and "
              + $"the pipeline reaches them through a {role} container on the engine it talks to: point swarm.endpoint at a manager that runs one)");
    }
}
