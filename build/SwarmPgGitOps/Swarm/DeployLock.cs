using System.Globalization;
using System.Net;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Swarm;

/// <summary>
/// A per-stack lease held on the swarm itself: a Swarm config named &lt;stack&gt;_deploy_lock. Creating a config is atomic
/// on the managers, so two runners on different machines exclude each other. The holder renews the lease every third
/// of its term (<see cref="LeaseRenewals"/>); a lease not renewed for its term, by the manager's clock, is taken over
/// by the next run. Released on dispose.
/// </summary>
public sealed class DeployLock : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTerm = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    private readonly ISwarmApi _swarm;
    private readonly string _stack;
    private readonly string _id;
    private readonly TimeSpan _term;
    private readonly LeaseRenewals _renewals;

    private DeployLock(ISwarmApi swarm, Waiter waiter, string stack, string id, TimeSpan term, Action<string> progress)
    {
        _swarm = swarm;
        _stack = stack;
        _id = id;
        _term = term;
        _renewals = new LeaseRenewals(swarm, waiter, stack, id, term, progress);
    }

    public static string NameFor(string stack) => $"{stack}_deploy_lock";

    public static string Holder() =>
        Environment.GetEnvironmentVariable("GITHUB_RUN_ID") is { } run
            ? $"GitHub Actions run {run} ({Environment.GetEnvironmentVariable("GITHUB_REPOSITORY")}, {Environment.GetEnvironmentVariable("GITHUB_ACTOR")}) on {Environment.MachineName}"
            : $"{Environment.UserName}@{Environment.MachineName} pid {Environment.ProcessId}";

    public static Task<DeployLock> AcquireAsync(IDockerClient docker, string stack, TimeSpan wait, bool breakExisting, Action<string> progress,
        CancellationToken cancellation = default, TimeSpan? term = null) =>
        AcquireAsync(new DockerSwarmApi(docker), Waiter.System, stack, wait, breakExisting, progress, cancellation, term);

    /// <param name="breakExisting">
    /// --break-lock: take a lock made before leases (it has no term) at once. A lease whose term has run out is taken
    /// over without it; a live lease never is (its holder is named).
    /// </param>
    public static async Task<DeployLock> AcquireAsync(ISwarmApi swarm, Waiter waiter, string stack, TimeSpan wait, bool breakExisting, Action<string> progress,
        CancellationToken cancellation = default, TimeSpan? term = null)
    {
        var name = NameFor(stack);
        var leaseTerm = term ?? DefaultTerm;
        var announced = false;

        async ValueTask<Attempt> TryTake(TimeSpan elapsed, CancellationToken token)
        {
            var existing = await Lease.ReadAsync(swarm, stack, token);
            if (existing is not null && existing.HasExpired)
            {
                progress($"taking over the lease of {existing}: not renewed for {existing.Age.TotalSeconds:0} s, its term is {existing.Term!.Value.TotalSeconds:0} s");
                await existing.RemoveAsync(swarm, token);
                existing = null;
            }
            else if (existing is not null && breakExisting)
            {
                if (existing.Term is not null)
                    throw new DeployFailedException($"{stack}: {existing} holds a live lease, renewed {existing.Age.TotalSeconds:0} s ago (term {existing.Term.Value.TotalSeconds:0} s); "
                        + "--break-lock takes only a lease whose term has run out, and the next run takes that one by itself");
                progress($"breaking the lock held by {existing}");
                await existing.RemoveAsync(swarm, token);
                breakExisting = false;
                existing = null;
            }
            if (existing is null)
            {
                try
                {
                    var data = JsonSerializer.SerializeToUtf8Bytes(new { holder = Holder(), since = waiter.Time.GetUtcNow().UtcDateTime.ToString("O") });
                    return new Attempt(await swarm.CreateConfigAsync(new SwarmConfigSpec
                    {
                        Name = name,
                        Data = data,
                        Labels = new Dictionary<string, string>
                        {
                            [StackLabels.Lock] = Holder(),
                            [StackLabels.LeaseSeconds] = leaseTerm.TotalSeconds.ToString(CultureInfo.InvariantCulture),
                        },
                    }, token), null);
                }
                catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
                {
                    // another run created it between our look and our create
                    existing = await Lease.ReadAsync(swarm, stack, token);
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
            ? new DeployLock(swarm, waiter, stack, id, leaseTerm, progress)
            : throw new DeployFailedException($"{stack} is locked by {Describe(taken.Last.Holder)}; waited {wait.TotalSeconds:0} s. "
                + "If that run is gone, its lease runs out after its term and the next deploy takes it over");
    }

    private sealed record Attempt(string? Id, Lease? Holder);

    private static string Describe(Lease? lease) => lease?.ToString() ?? "another run";

    /// <summary>
    /// Throws <see cref="DeployLockLostException"/> when this run no longer holds the lease: another run took it, or this
    /// run could not renew it for a whole term. Asked before every change, so a run that lost its lease changes nothing more.
    /// </summary>
    public async Task EnsureHeldAsync(CancellationToken cancellation)
    {
        var current = await Lease.ReadAsync(_swarm, _stack, cancellation);
        if (current?.Id != _id)
            throw new DeployLockLostException($"this run lost the deploy lock of {_stack} to {(current is null ? "nobody (it was removed)" : current.ToString())}");
        if (_renewals.SinceLastRenewal > _term)
            throw new DeployLockLostException($"this run could not renew its lease on the deploy lock of {_stack} for {_term.TotalSeconds:0} s, its term; another run may take it");
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

    /// <summary>Stops renewing and releases the lease; null when done, else why not.</summary>
    private async Task<string?> TryReleaseAsync()
    {
        await _renewals.DisposeAsync();
        try
        {
            await Lease.RemoveConfigIfThere(_swarm, _id, CancellationToken.None); // gone when another run took it over
            await _renewals.RemoveRenewalsAsync();
            return null;
        }
        catch (Exception e)
        {
            return $"the deploy lock could not be released ({SwarmErrors.Describe(e)}); it names this run as holder, and the next run takes it over once its term has run out";
        }
    }
}
