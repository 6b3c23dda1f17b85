using System.Net;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace SwarmPgGitOps.Swarm;

/// <summary>
/// A per-stack lock held on the swarm itself: a Swarm config named &lt;stack&gt;_deploy_lock. Creating a config is atomic
/// on the managers, so two runners on different machines exclude each other. Released on dispose.
/// </summary>
public sealed class DeployLock : IAsyncDisposable
{
    private readonly IDockerClient _docker;
    private readonly string _id;

    private DeployLock(IDockerClient docker, string id)
    {
        _docker = docker;
        _id = id;
    }

    public static string NameFor(string stack) => $"{stack}_deploy_lock";

    public static string Holder() =>
        Environment.GetEnvironmentVariable("GITHUB_RUN_ID") is { } run
            ? $"GitHub Actions run {run} ({Environment.GetEnvironmentVariable("GITHUB_REPOSITORY")}, {Environment.GetEnvironmentVariable("GITHUB_ACTOR")}) on {Environment.MachineName}"
            : $"{Environment.UserName}@{Environment.MachineName} pid {Environment.ProcessId}";

    public static async Task<DeployLock> AcquireAsync(IDockerClient docker, string stack, TimeSpan wait, bool breakExisting, Action<string> progress, CancellationToken cancellation = default)
    {
        var name = NameFor(stack);
        var deadline = DateTime.UtcNow + wait;
        var announced = false;
        while (true)
        {
            var existing = (await docker.Configs.ListConfigsAsync(cancellation)).FirstOrDefault(c => c.Spec.Name == name);
            if (existing is not null && breakExisting)
            {
                progress($"breaking the lock held by {Describe(existing)}");
                await docker.Configs.RemoveConfigAsync(existing.ID, cancellation);
                breakExisting = false;
                existing = null;
            }
            if (existing is null)
            {
                try
                {
                    var data = JsonSerializer.SerializeToUtf8Bytes(new { holder = Holder(), since = DateTime.UtcNow.ToString("O") });
                    var created = await docker.Configs.CreateConfigAsync(new SwarmCreateConfigParameters
                    {
                        Config = new SwarmConfigSpec { Name = name, Data = data, Labels = new Dictionary<string, string> { [StackLabels.Lock] = Holder() } },
                    }, cancellation);
                    return new DeployLock(docker, created.ID);
                }
                catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
                {
                    continue;
                }
            }
            if (DateTime.UtcNow > deadline)
                throw new DeployFailedException($"{stack} is locked by {Describe(existing)}; waited {wait.TotalSeconds:0} s. If that run is gone, run again with --break-lock");
            if (!announced)
            {
                progress($"waiting for the deploy lock of {stack}, held by {Describe(existing)}");
                announced = true;
            }
            await Task.Delay(TimeSpan.FromSeconds(2), cancellation);
        }
    }

    private static string Describe(SwarmConfig config)
    {
        var holder = config.Spec.Labels is { } labels && labels.TryGetValue(StackLabels.Lock, out var h) ? h : "an unknown holder";
        return $"{holder} since {config.CreatedAt:u}";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _docker.Configs.RemoveConfigAsync(_id);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // broken by another run with --break-lock
        }
    }
}
