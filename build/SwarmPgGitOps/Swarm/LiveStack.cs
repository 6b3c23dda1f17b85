using Docker.DotNet;
using Docker.DotNet.Models;

namespace SwarmPgGitOps.Swarm;

/// <summary>What the swarm holds for one stack now: its networks, configs, secrets and services.</summary>
public sealed record LiveStack(
    IReadOnlyList<NetworkResponse> Networks,
    IReadOnlyList<SwarmConfig> Configs,
    IReadOnlyList<Secret> Secrets,
    IReadOnlyList<SwarmService> Services,
    IReadOnlyDictionary<string, string> NetworkNames)
{
    public string NetworkName(string idOrName) => NetworkNames.GetValueOrDefault(idOrName, idOrName);

    public SwarmService? Service(string name) => Services.FirstOrDefault(s => s.Spec.Name == name);

    public static async Task<LiveStack> ReadAsync(IDockerClient docker, string stack, CancellationToken cancellation = default)
    {
        var allNetworks = await docker.Networks.ListNetworksAsync(new NetworksListParameters(), cancellation);
        var services = await docker.Swarm.ListServicesAsync(new ServiceListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{StackLabels.Namespace}={stack}"] = true } },
        }, cancellation);
        var prefix = stack + "_";
        return new LiveStack(
            allNetworks.Where(n => n.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList(),
            (await docker.Configs.ListConfigsAsync(cancellation)).Where(c => c.Spec.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList(),
            (await docker.Secrets.ListAsync(cancellation)).Where(s => s.Spec.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList(),
            services.ToList(),
            allNetworks.ToDictionary(n => n.ID, n => n.Name));
    }
}
