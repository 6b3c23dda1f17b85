using Docker.DotNet.Models;

namespace SwarmPgGitOps.Swarm;

/// <summary>The labels `docker stack deploy` puts on what it creates, and the pipeline's own.</summary>
public static class StackLabels
{
    public const string Namespace = "com.docker.stack.namespace";
    public const string Image = "com.docker.stack.image";
    public const string Lock = "io.swarm-pg-gitops.lock";
    public const string LeaseSeconds = "io.swarm-pg-gitops.lease-seconds";
    public const string LeaseOf = "io.swarm-pg-gitops.lease-of";
    /// <summary>What a service is to the cluster: primary or replica (classic layout), member or etcd (Patroni layout).</summary>
    public const string Role = "io.swarm-pg-gitops.role";

    public static Dictionary<string, string> For(string stack) => new() { [Namespace] = stack };

    /// <summary>The <see cref="Role"/> of a live service; null when it has none.</summary>
    public static string? RoleOf(SwarmService service) =>
        service.Spec?.Labels is { } labels && labels.TryGetValue(Role, out var role) ? role : null;

    /// <summary>`docker stack deploy` names every object `&lt;stack&gt;_&lt;name&gt;` unless the file gives a name.</summary>
    public static string Scoped(string stack, string name) => $"{stack}_{name}";
}
