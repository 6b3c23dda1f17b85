using System.Net;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Swarm;

/// <summary>
/// A per-stack lock held on the swarm itself: a Swarm config named &lt;stack&gt;_deploy_lock. Creating a config is atomic
/// on the managers, so two runners on different machines exclude each other. Released on dispose.
/// </summary>
public sealed class DeployLock : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    private readonly ISwarmApi _swarm;
    private readonly string _stack;
    private readonly string _id;

    private DeployLock(ISwarmApi swarm, string stack, string id)
    {
        _swarm = swarm;
        _stack = stack;
        _id = id;
    }

    public static string NameFor(string stack) => $"{stack}_deploy_lock";

    public static string Holder() =>
        Environment.GetEnvironmentVariable("GITHUB_RUN_ID") is { } run
            ? $"GitHub Actions run {run} ({Environment.GetEnvironmentVariable("GITHUB_REPOSITORY")}, {Environment.GetEnvironmentVariable("GITHUB_ACTOR")}) on {Environment.MachineName}"
            : $"{Environment.UserName}@{Environment.MachineName} pid {Environment.ProcessId}";

    public static Task<DeployLock> AcquireAsync(IDockerClient docker, string stack, TimeSpan wait, bool breakExisting, Action<string> progress, CancellationToken cancellation = default) =>
        AcquireAsync(new DockerSwarmApi(docker), Waiter.System, stack, wait, breakExisting, progress, cancellation);

    public static async Task<DeployLock> AcquireAsync(ISwarmApi swarm, Waiter waiter, string stack, TimeSpan wait, bool breakExisting, Action<string> progress,
        CancellationToken cancellation = default)
    {
        var name = NameFor(stack);
        var announced = false;

        async ValueTask<Attempt> TryTake(TimeSpan elapsed, CancellationToken token)
        {
            var existing = await Find(swarm, name, token);
            if (existing is not null && breakExisting)
            {
                progress($"breaking the lock held by {Describe(existing)}");
                await swarm.RemoveConfigAsync(existing.ID, token);
                breakExisting = false;
                existing = null;
            }
            if (existing is null)
            {
                try
                {
                    var data = JsonSerializer.SerializeToUtf8Bytes(new { holder = Holder(), since = waiter.Time.GetUtcNow().UtcDateTime.ToString("O") });
                    return new Attempt(await swarm.CreateConfigAsync(
                        new SwarmConfigSpec { Name = name, Data = data, Labels = new Dictionary<string, string> { [StackLabels.Lock] = Holder() } }, token), null);
                }
                catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
                {
                    // another run created it between our look and our create
                    existing = await Find(swarm, name, token);
                }
            }
            if (!announced && elapsed <= wait)
            {
                progress($"waiting for the deploy lock of {stack}, held by {Describe(existing)}");
                announced = true;
            }
            return new Attempt(null, existing);
        }

        var taken = await waiter.PollAsync(TryTake, a => a.Id is not null, new PollSchedule(wait, Poll), cancellation);
        return taken.Last.Id is { } id
            ? new DeployLock(swarm, stack, id)
            : throw new DeployFailedException($"{stack} is locked by {Describe(taken.Last.Holder)}; waited {wait.TotalSeconds:0} s. If that run is gone, run again with --break-lock");
    }

    private sealed record Attempt(string? Id, SwarmConfig? Holder);

    private static async Task<SwarmConfig?> Find(ISwarmApi swarm, string name, CancellationToken cancellation) =>
        (await swarm.ListConfigsAsync(cancellation)).FirstOrDefault(c => c.Spec.Name == name);

    private static string Describe(SwarmConfig? config)
    {
        if (config is null)
            return "another run";
        var holder = config.Spec.Labels is { } labels && labels.TryGetValue(StackLabels.Lock, out var h) ? h : "an unknown holder";
        return $"{holder} since {config.CreatedAt:u}";
    }

    /// <summary>
    /// Throws <see cref="DeployLockLostException"/> when the lock on the swarm is no longer this one (another run took
    /// it): asked before every change, so a run that lost its lock changes nothing more.
    /// </summary>
    public async Task EnsureHeldAsync(CancellationToken cancellation)
    {
        var current = await Find(_swarm, NameFor(_stack), cancellation);
        if (current?.ID != _id)
            throw new DeployLockLostException($"this run lost the deploy lock of {_stack} to {(current is null ? "nobody (it was removed)" : Describe(current))}");
    }

    /// <summary>
    /// Runs the work holding the lock, then releases it. When the work failed and the release fails too, the message is
    /// the work's, with the release failure added: the first cause is never replaced.
    /// </summary>
    public async Task<T> HoldWhileAsync<T>(Func<Task<T>> work)
    {
        T result;
        try
        {
            result = await work();
        }
        catch (Exception cause)
        {
            var released = await TryReleaseAsync();
            if (released is null)
                throw;
            throw new DeployFailedException($"{cause.Message}\n  {released}");
        }
        if (await TryReleaseAsync() is { } notReleased)
            throw new DeployFailedException(notReleased);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (await TryReleaseAsync() is { } notReleased)
            throw new DeployFailedException(notReleased);
    }

    /// <summary>Releases the lock; null when done, else why not.</summary>
    private async Task<string?> TryReleaseAsync()
    {
        try
        {
            await _swarm.RemoveConfigAsync(_id, CancellationToken.None);
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null; // broken by another run with --break-lock
        }
        catch (Exception e)
        {
            return $"the deploy lock could not be released ({SwarmErrors.Describe(e)}); it names this run as holder, and the next deploy takes it with --break-lock";
        }
    }
}
