namespace SwarmPgGitOps.Waiting;

public static class SettledTask
{
    /// <summary>
    /// Completes when <paramref name="task"/> ends, however it ends, its failure observed: for a task started beside another
    /// whose failure is the one reported.
    /// </summary>
    public static Task Settled(this Task task) =>
        task.ContinueWith(ended => _ = ended.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
