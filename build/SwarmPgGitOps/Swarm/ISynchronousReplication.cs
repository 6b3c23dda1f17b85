namespace SwarmPgGitOps.Swarm;

/// <summary>
/// The primary's synchronous replication, as Deploy needs it around its own replica updates. The Postgres access layer
/// implements it (<see cref="Postgres.SynchronousStandbySwitch"/>); unit tests fake it.
/// </summary>
public interface ISynchronousReplication
{
    /// <summary>The replicas named in synchronous_standby_names, by service name (`pg-prod_replica1`), each with its slot, which is its application_name on the primary.</summary>
    IReadOnlyDictionary<string, string> SynchronousSlots { get; }

    /// <summary>The application_name of every standby streaming from the primary now.</summary>
    Task<IReadOnlySet<string>> StreamingAsync(CancellationToken cancellation);

    /// <summary>Commits stop waiting for a synchronous standby: synchronous_standby_names is emptied on the primary, which survives its restart.</summary>
    Task SuspendAsync(CancellationToken cancellation);

    /// <summary>The primary's synchronous_standby_names is what its postgresql.conf renders again.</summary>
    Task RestoreAsync(CancellationToken cancellation);
}

/// <summary>An environment without synchronous replicas: nothing to suspend, and nothing is asked of the primary.</summary>
public sealed class NoSynchronousReplicas : ISynchronousReplication
{
    public static NoSynchronousReplicas Instance { get; } = new();

    public IReadOnlyDictionary<string, string> SynchronousSlots { get; } = new Dictionary<string, string>();

    public Task<IReadOnlySet<string>> StreamingAsync(CancellationToken cancellation) => Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());

    public Task SuspendAsync(CancellationToken cancellation) => Task.CompletedTask;

    public Task RestoreAsync(CancellationToken cancellation) => Task.CompletedTask;
}
