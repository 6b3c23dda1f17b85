using Docker.DotNet.Models;

namespace SwarmPgGitOps.Swarm;

/// <summary>
/// The Docker Engine calls the deploy makes, and nothing more: narrow enough to fake in unit tests.
/// Errors are Docker.DotNet's (<see cref="Docker.DotNet.DockerApiException"/> with the status code).
/// </summary>
public interface ISwarmApi
{
    Task<VersionResponse> GetVersionAsync(CancellationToken cancellation);
    Task<SystemInfoResponse> GetSystemInfoAsync(CancellationToken cancellation);
    Task<IReadOnlyList<NodeListResponse>> ListNodesAsync(CancellationToken cancellation);

    Task<IReadOnlyList<NetworkResponse>> ListNetworksAsync(CancellationToken cancellation);
    Task CreateNetworkAsync(NetworksCreateParameters network, CancellationToken cancellation);

    Task<IReadOnlyList<SwarmConfig>> ListConfigsAsync(CancellationToken cancellation);
    Task<string> CreateConfigAsync(SwarmConfigSpec config, CancellationToken cancellation);
    Task RemoveConfigAsync(string id, CancellationToken cancellation);

    Task<IReadOnlyList<Secret>> ListSecretsAsync(CancellationToken cancellation);
    Task<string> CreateSecretAsync(SwarmSecretSpec secret, CancellationToken cancellation);
    Task RemoveSecretAsync(string id, CancellationToken cancellation);

    /// <summary>The services labelled as belonging to the stack.</summary>
    Task<IReadOnlyList<SwarmService>> ListServicesAsync(string stack, CancellationToken cancellation);
    Task<SwarmService> InspectServiceAsync(string idOrName, CancellationToken cancellation);
    Task CreateServiceAsync(ServiceSpec spec, CancellationToken cancellation);
    Task UpdateServiceAsync(string id, ServiceSpec spec, ulong version, CancellationToken cancellation);
    Task RemoveServiceAsync(string id, CancellationToken cancellation);
    Task<IReadOnlyList<TaskResponse>> ListTasksAsync(string service, CancellationToken cancellation);
    /// <summary>Every task the manager holds, including those of removed services that have not stopped yet.</summary>
    Task<IReadOnlyList<TaskResponse>> ListAllTasksAsync(CancellationToken cancellation);
    Task<string> ServiceLogTailAsync(string serviceId, int lines, CancellationToken cancellation);
    /// <summary>Everything a service's tasks wrote, standard output and standard error apart (a one-shot job's report).</summary>
    Task<(string Stdout, string Stderr)> ServiceOutputAsync(string serviceId, CancellationToken cancellation);
}
