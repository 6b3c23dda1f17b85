using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Tests.Swarm;

/// <summary>
/// The primary's synchronous replication over a <see cref="FakeSwarm"/>: a replica streams unless the swarm's journal shows it
/// created or updated since its tasks last came up, or a test says it cannot (<see cref="CannotStream"/>). Suspending and
/// restoring are written to the swarm's journal, so tests see them in order with the service changes.
/// </summary>
public sealed class FakeSynchronousReplication(FakeSwarm swarm, IReadOnlyDictionary<string, string> synchronousSlots) : ISynchronousReplication
{
    /// <summary>Every replica of the lab stack, by service name, with its slot.</summary>
    public static readonly IReadOnlyDictionary<string, string> LabSlots = new Dictionary<string, string>
    {
        [Deploying.Replica1] = "replica1",
        [Deploying.Replica2] = "replica2",
    };

    public IReadOnlyDictionary<string, string> SynchronousSlots { get; } = synchronousSlots;

    /// <summary>Replicas (by service name) that do not stream whatever the swarm says, such as one without a rotated password.</summary>
    public HashSet<string> CannotStream { get; } = [];

    /// <summary>Called before a suspension takes effect.</summary>
    public Action? OnSuspend { get; set; }

    public Exception? RestoreFails { get; set; }

    public bool Suspended { get; private set; }

    public Task<IReadOnlySet<string>> StreamingAsync(CancellationToken cancellation) =>
        Task.FromResult<IReadOnlySet<string>>(LabSlots.Where(r => !CannotStream.Contains(r.Key) && Up(r.Key)).Select(r => r.Value).ToHashSet());

    public Task SuspendAsync(CancellationToken cancellation)
    {
        OnSuspend?.Invoke();
        Suspended = true;
        swarm.Journal.Add("suspend synchronous replication");
        return Task.CompletedTask;
    }

    public Task RestoreAsync(CancellationToken cancellation)
    {
        if (RestoreFails is { } error)
            return Task.FromException(error);
        Suspended = false;
        swarm.Journal.Add("restore synchronous replication");
        return Task.CompletedTask;
    }

    private bool Up(string service)
    {
        var last = swarm.Journal.LastOrDefault(e => e.EndsWith(" " + service, StringComparison.Ordinal) && !e.StartsWith("remove", StringComparison.Ordinal));
        return last is null || last.StartsWith("running ", StringComparison.Ordinal);
    }
}
