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

    public static Task<LiveStack> ReadAsync(IDockerClient docker, string stack, CancellationToken cancellation = default) =>
        ReadAsync(new DockerSwarmApi(docker), stack, cancellation);

    public static async Task<LiveStack> ReadAsync(ISwarmApi swarm, string stack, CancellationToken cancellation = default)
    {
        var networks = swarm.ListNetworksAsync(cancellation);
        var services = swarm.ListServicesAsync(stack, cancellation);
        var configs = swarm.ListConfigsAsync(cancellation);
        var secrets = swarm.ListSecretsAsync(cancellation);
        await Task.WhenAll(networks, services, configs, secrets);
        var prefix = stack + "_";
        var allNetworks = await networks;
        return new LiveStack(
            allNetworks.Where(n => n.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList(),
            (await configs).Where(c => c.Spec.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList(),
            (await secrets).Where(s => s.Spec.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList(),
            await services,
            allNetworks.ToDictionary(n => n.ID, n => n.Name));
    }
}
