using Docker.DotNet;
using Docker.DotNet.Models;
using SwarmPgGitOps.Waiting;
using Version = System.Version;

namespace SwarmPgGitOps.Swarm;

/// <summary>Checks made before anything changes: the endpoint answers, it is a swarm manager of a supported API, and every placement can be met.</summary>
public static class Preflight
{
    public static readonly Version OldestApi = new(1, 41);

    public static Task<IReadOnlyList<string>> CheckAsync(IDockerClient docker, string endpointDescription, DesiredStack desired, CancellationToken cancellation = default) =>
        CheckAsync(new DockerSwarmApi(docker), endpointDescription, desired, cancellation);

    public static async Task<IReadOnlyList<string>> CheckAsync(ISwarmApi swarm, string endpointDescription, DesiredStack desired, CancellationToken cancellation = default)
    {
        VersionResponse version;
        try
        {
            version = await swarm.GetVersionAsync(cancellation);
        }
        catch (Exception e) when (e is HttpRequestException or DockerApiException or TimeoutException or TaskCanceledException or IOException
            or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException)
        {
            return [$"cannot reach the Docker engine at {endpointDescription}: {e.GetBaseException().Message} (check the endpoint, the TLS certificate and that the manager is up)"];
        }

        var problems = new List<string>();
        if (!Version.TryParse(version.APIVersion, out var api) || api < OldestApi)
            problems.Add($"the engine at {endpointDescription} speaks API {version.APIVersion}; {OldestApi} (Docker 20.10) or newer is needed");

        // Asked together: only a manager lists nodes, and its answer is read only once the engine is known to be one.
        var infoAsked = swarm.GetSystemInfoAsync(cancellation);
        var nodesAsked = swarm.ListNodesAsync(cancellation);
        var info = await infoAsked;
        if (info.Swarm?.ControlAvailable != true)
        {
            await nodesAsked.Settled();
            problems.Add($"the engine at {endpointDescription} is not a swarm manager (swarm state: {info.Swarm?.LocalNodeState ?? "unknown"}); point the environment at a manager node");
            return problems;
        }

        var nodes = (await nodesAsked).Where(n => n.Status.State == "ready" && n.Spec.Availability == "active").ToList();
        foreach (var service in desired.Services)
        {
            var constraints = service.Spec.TaskTemplate.Placement?.Constraints ?? [];
            if (!nodes.Any(n => constraints.All(c => Satisfies(n, c))))
                problems.Add($"no ready node satisfies the placement of {service.Name} ({string.Join(" and ", constraints)}); label a node with docker node update --label-add");
        }
        return problems;
    }

    internal static bool Satisfies(NodeListResponse node, string constraint)
    {
        var negate = constraint.Contains("!=", StringComparison.Ordinal);
        var parts = constraint.Split(negate ? "!=" : "==", 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2)
            return false;
        string? actual = parts[0] switch
        {
            var label when label.StartsWith("node.labels.", StringComparison.Ordinal) =>
                node.Spec.Labels is { } labels && labels.TryGetValue(label["node.labels.".Length..], out var v) ? v : null,
            "node.role" => node.Spec.Role,
            "node.hostname" => node.Description.Hostname,
            "node.id" => node.ID,
            _ => null,
        };
        return negate ? actual != parts[1] : actual == parts[1];
    }
}
