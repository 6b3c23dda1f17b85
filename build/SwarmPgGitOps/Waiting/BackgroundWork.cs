namespace SwarmPgGitOps.Waiting;

/// <summary>Work started beside the caller's, with a cancellation of its own linked to the caller's, that the caller stops.</summary>
public sealed class BackgroundWork
{
    private readonly CancellationTokenSource _stop;

    private BackgroundWork(CancellationTokenSource stop, Task task)
    {
        _stop = stop;
        Task = task;
    }

    /// <summary>The work itself: awaited, it ends as the work ended.</summary>
    public Task Task { get; }

    public static BackgroundWork Start(Func<CancellationToken, Task> work, CancellationToken cancellation)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var token = stop.Token;
        return new BackgroundWork(stop, Task.Run(() => work(token), token));
    }

    /// <summary>Cancels the work (nothing, when it ended) and waits for it to end, its failure observed.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.Settled();
        _stop.Dispose();
    }
}
