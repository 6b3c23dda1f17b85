using System.Text.Json;
using Docker.DotNet.Models;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Swarm;

/// <summary>
/// Renews a held lease every third of its term until disposed. Swarm configs are immutable and Docker.DotNet has no
/// label update, so a renewal is a config of its own, stamped by the manager's clock: &lt;stack&gt;_deploy_tick and
/// &lt;stack&gt;_deploy_tock in turn, the new one created before the old one is removed, so the lease always shows its
/// last renewal. (Both names are as long as &lt;stack&gt;_deploy_lock, which Validate checks against Swarm's limit.)
/// Renewing stops when the lock is no longer this run's, or at an error that is not transient.
/// </summary>
internal sealed class LeaseRenewals : IAsyncDisposable
{
    private readonly ISwarmApi _swarm;
    private readonly Waiter _waiter;
    private readonly string _stack;
    private readonly string _lockId;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;
    private long _lastRenewal;
    private SwarmConfig? _current;

    public LeaseRenewals(ISwarmApi swarm, Waiter waiter, string stack, string lockId, TimeSpan term, Action<string> progress)
    {
        _swarm = swarm;
        _waiter = waiter;
        _stack = stack;
        _lockId = lockId;
        _lastRenewal = waiter.Time.GetTimestamp();
        _renewing = RenewUntilStopped(term / 3, progress);
    }

    public TimeSpan SinceLastRenewal => _waiter.Time.GetElapsedTime(Interlocked.Read(ref _lastRenewal));

    public static bool IsRenewalOf(SwarmConfig config, string lockId) =>
        config.Spec.Labels is { } labels && labels.TryGetValue(StackLabels.LeaseOf, out var of) && of == lockId;

    private async Task RenewUntilStopped(TimeSpan every, Action<string> progress)
    {
        try
        {
            await _waiter.PollAsync(async (elapsed, token) =>
            {
                if (elapsed > TimeSpan.Zero)
                    await RenewAsync(token);
                return false;
            }, _ => false, new PollSchedule(TimeSpan.MaxValue, every), _stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            progress($"stopped renewing the deploy lock of {_stack}: {SwarmErrors.Describe(e)}");
        }
    }

    private async Task RenewAsync(CancellationToken cancellation)
    {
        var configs = await _swarm.ListConfigsAsync(cancellation);
        if (configs.All(c => c.ID != _lockId))
            throw new DeployLockLostException("the lock is no longer this run's");
        var name = $"{_stack}_deploy_{(_current?.Spec.Name?.EndsWith("_tick", StringComparison.Ordinal) == true ? "tock" : "tick")}";
        foreach (var leftover in configs.Where(c => c.Spec.Name == name))
            await Lease.RemoveConfigIfThere(_swarm, leftover.ID, cancellation);
        var spec = new SwarmConfigSpec
        {
            Name = name,
            Data = JsonSerializer.SerializeToUtf8Bytes(new { renewed = _waiter.Time.GetUtcNow().UtcDateTime.ToString("O") }),
            Labels = new Dictionary<string, string> { [StackLabels.LeaseOf] = _lockId },
        };
        var renewed = new SwarmConfig { ID = await _swarm.CreateConfigAsync(spec, cancellation), Spec = spec };
        if (_current is { } previous)
            await Lease.RemoveConfigIfThere(_swarm, previous.ID, cancellation);
        _current = renewed;
        Interlocked.Exchange(ref _lastRenewal, _waiter.Time.GetTimestamp());
    }

    /// <summary>Removes this run's last renewal (after the lock itself is gone).</summary>
    public async Task RemoveRenewalsAsync()
    {
        if (_current is { } last)
            await Lease.RemoveConfigIfThere(_swarm, last.ID, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await _stop.CancelAsync();
        await _renewing;
        _stop.Dispose();
    }
}
