using Docker.DotNet;
using Docker.DotNet.Models;

namespace SwarmPgGitOps.Swarm;

/// <summary><see cref="ISwarmApi"/> on a real engine through Docker.DotNet.</summary>
public sealed class DockerSwarmApi(IDockerClient docker) : ISwarmApi, IContainerExec
{
    public Task<VersionResponse> GetVersionAsync(CancellationToken cancellation) => docker.System.GetVersionAsync(cancellation);

    public Task<SystemInfoResponse> GetSystemInfoAsync(CancellationToken cancellation) => docker.System.GetSystemInfoAsync(cancellation);

    public async Task<IReadOnlyList<NodeListResponse>> ListNodesAsync(CancellationToken cancellation) =>
        (await docker.Swarm.ListNodesAsync(cancellation)).ToList();

    public async Task<IReadOnlyList<NetworkResponse>> ListNetworksAsync(CancellationToken cancellation) =>
        (await docker.Networks.ListNetworksAsync(new NetworksListParameters(), cancellation)).ToList();

    public Task CreateNetworkAsync(NetworksCreateParameters network, CancellationToken cancellation) => docker.Networks.CreateNetworkAsync(network, cancellation);

    public async Task<IReadOnlyList<SwarmConfig>> ListConfigsAsync(CancellationToken cancellation) =>
        (await docker.Configs.ListConfigsAsync(cancellation)).ToList();

    public async Task<string> CreateConfigAsync(SwarmConfigSpec config, CancellationToken cancellation) =>
        (await docker.Configs.CreateConfigAsync(new SwarmCreateConfigParameters { Config = config }, cancellation)).ID;

    public Task RemoveConfigAsync(string id, CancellationToken cancellation) => docker.Configs.RemoveConfigAsync(id, cancellation);

    public async Task<IReadOnlyList<Secret>> ListSecretsAsync(CancellationToken cancellation) => (await docker.Secrets.ListAsync(cancellation)).ToList();

    public async Task<string> CreateSecretAsync(SwarmSecretSpec secret, CancellationToken cancellation) => (await docker.Secrets.CreateAsync(secret, cancellation)).ID;

    public Task RemoveSecretAsync(string id, CancellationToken cancellation) => docker.Secrets.DeleteAsync(id, cancellation);

    public async Task<IReadOnlyList<SwarmService>> ListServicesAsync(string stack, CancellationToken cancellation) =>
        (await docker.Swarm.ListServicesAsync(new ServiceListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{StackLabels.Namespace}={stack}"] = true } },
        }, cancellation)).ToList();

    public Task<SwarmService> InspectServiceAsync(string idOrName, CancellationToken cancellation) => docker.Swarm.InspectServiceAsync(idOrName, cancellation);

    public Task CreateServiceAsync(ServiceSpec spec, CancellationToken cancellation) =>
        docker.Swarm.CreateServiceAsync(new ServiceCreateParameters { Service = spec }, cancellation);

    public Task UpdateServiceAsync(string id, ServiceSpec spec, ulong version, CancellationToken cancellation) =>
        docker.Swarm.UpdateServiceAsync(id, new ServiceUpdateParameters { Service = spec, Version = (long)version }, cancellation);

    public Task RemoveServiceAsync(string id, CancellationToken cancellation) => docker.Swarm.RemoveServiceAsync(id, cancellation);

    public async Task<IReadOnlyList<TaskResponse>> ListTasksAsync(string service, CancellationToken cancellation) =>
        (await docker.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [service] = true } },
        }, cancellation)).ToList();

    public async Task<IReadOnlyList<TaskResponse>> ListAllTasksAsync(CancellationToken cancellation) =>
        (await docker.Tasks.ListAsync(new TasksListParameters(), cancellation)).ToList();

    public async Task<string> ServiceLogTailAsync(string serviceId, int lines, CancellationToken cancellation)
    {
        using var stream = await docker.Swarm.GetServiceLogsAsync(serviceId, false,
            new ServiceLogsParameters { ShowStdout = true, ShowStderr = true, Tail = lines.ToString(System.Globalization.CultureInfo.InvariantCulture) }, cancellation);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellation);
        return stdout + stderr;
    }

    public async Task<(string Stdout, string Stderr)> ServiceOutputAsync(string serviceId, CancellationToken cancellation)
    {
        using var stream = await docker.Swarm.GetServiceLogsAsync(serviceId, false, new ServiceLogsParameters { ShowStdout = true, ShowStderr = true }, cancellation);
        return await stream.ReadOutputToEndAsync(cancellation);
    }

    public async Task<ExecResult> ExecAsync(string containerId, IReadOnlyList<string> command, string? stdin, CancellationToken cancellation)
    {
        var (id, stream) = await StartExecAsync(containerId, command, stdin is not null, cancellation);
        using var _ = stream;
        if (stdin is not null)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(stdin);
            await stream.WriteAsync(bytes, 0, bytes.Length, cancellation);
            stream.CloseWrite();
        }
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellation);
        // The output ends a moment before the engine records the exit code.
        var ended = await docker.Exec.InspectContainerExecAsync(id, cancellation);
        for (var look = 0; ended.Running && look < 100; look++)
        {
            await Task.Delay(20, cancellation);
            ended = await docker.Exec.InspectContainerExecAsync(id, cancellation);
        }
        return new ExecResult(ended.ExitCode ?? -1, stdout, stderr);
    }

    /// <summary>Starts a command in a container and hands back its attached streams, open both ways: stdin in, stdout and stderr out.</summary>
    /// <param name="environment">NAME=value pairs added to the command's environment.</param>
    public async Task<(string ExecId, MultiplexedStream Stream)> StartExecAsync(string containerId, IReadOnlyList<string> command, bool stdin, CancellationToken cancellation,
        IReadOnlyList<string>? environment = null)
    {
        var created = await docker.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = command.ToList(),
            Env = environment?.ToList(),
            AttachStdin = stdin,
            AttachStdout = true,
            AttachStderr = true,
        }, cancellation);
        return (created.ID, await docker.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters(), cancellation));
    }
}
