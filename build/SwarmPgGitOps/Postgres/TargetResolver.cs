using Docker.DotNet;
using Docker.DotNet.Models;
using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Postgres;

/// <summary>
/// Where each service of the environment listens. Through the endpoint (<see cref="PostgresRoute"/>): its name and
/// PostgreSQL's port on the stack network, dialed by the relay. Straight: connect_host and port when the environment
/// names them, otherwise the node address of the service's running task and its published port, read from the swarm.
/// </summary>
public sealed class TargetResolver(Func<string, string?> variable)
{
    private const uint PostgresPort = 5432;

    public async Task<IReadOnlyList<PostgresTarget>> ResolveAsync(EnvironmentDocument document, CancellationToken cancellation)
    {
        if (PostgresRoute.IsThroughEndpoint(document.Spec))
            return Wanted(document.Spec).Select(w => new PostgresTarget(w.Name, $"{document.Spec.Stack}_{w.Name}", w.Name, (int)PostgresPort, "stack network")).ToList();
        var wanted = Wanted(document.Spec);

        DockerClient? docker = null;
        string? dockerProblem = null;
        if (wanted.Any(w => w.Host is null && w.Port is not null))
        {
            var connected = Swarm.DockerEndpoint.Connect(document, variable);
            docker = connected.Value;
            if (docker is null)
                dockerProblem = $"cannot reach the swarm to find the service: {string.Join("; ", connected.Diagnostics.Select(d => d.Message))}";
        }
        try
        {
            var targets = new List<PostgresTarget>();
            foreach (var (name, port, host) in wanted)
            {
                var service = $"{document.Spec.Stack}_{name}";
                if (port is null)
                    targets.Add(new PostgresTarget(name, service, null, 0, "environment",
                        $"{name} publishes no port (set its port, or swarm.postgres_route: {PostgresRoute.ThroughEndpoint})"));
                else if (host is not null)
                    targets.Add(new PostgresTarget(name, service, host, port.Value, "environment"));
                else if (docker is null)
                    targets.Add(new PostgresTarget(name, service, null, port.Value, "swarm", dockerProblem));
                else
                    targets.Add(await FromSwarm(docker, name, service, port.Value, cancellation));
            }
            return targets;
        }
        finally
        {
            docker?.Dispose();
        }
    }

    /// <summary>The classic layout's primary then replicas; the Patroni layout's members, in the file's order.</summary>
    private static List<(string Name, int? Port, string? Host)> Wanted(EnvironmentSpec spec)
    {
        if (EnvironmentLayouts.Of(spec) == EnvironmentLayout.Patroni)
            return spec.PatroniCluster().Members.Select(m => (m.Name, m.Port, m.ConnectHost)).ToList();
        var (primary, replicas) = spec.Classic();
        return [(primary.Name, (int?)primary.Port, primary.ConnectHost), .. replicas.Select(r => (r.Name, (int?)r.Port, r.ConnectHost))];
    }

    private static async Task<PostgresTarget> FromSwarm(DockerClient docker, string name, string service, int port, CancellationToken cancellation)
    {
        try
        {
            var tasks = await docker.Tasks.ListAsync(new TasksListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["service"] = new Dictionary<string, bool> { [service] = true },
                    ["desired-state"] = new Dictionary<string, bool> { ["running"] = true },
                },
            }, cancellation);
            var task = tasks.FirstOrDefault(t => t.Status?.State == TaskState.Running && t.NodeID is not null);
            if (task?.NodeID is not { } nodeId)
                return new PostgresTarget(name, service, null, port, "swarm", $"service {service} has no running task (docker service ps {service})");
            var node = await docker.Swarm.InspectNodeAsync(nodeId, cancellation);
            if (node.Status?.Addr is not { Length: > 0 } address)
                return new PostgresTarget(name, service, null, port, "swarm", $"the node of {service}'s task reports no address (docker node inspect {nodeId})");
            var published = task.Status?.PortStatus?.Ports?.FirstOrDefault(p => p.TargetPort == PostgresPort)?.PublishedPort;
            return new PostgresTarget(name, service, address, published is { } p ? (int)p : port, "swarm");
        }
        catch (DockerApiException e)
        {
            return new PostgresTarget(name, service, null, port, "swarm", $"the swarm could not list {service}: {e.StatusCode}");
        }
    }
}
