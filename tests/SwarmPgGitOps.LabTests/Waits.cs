using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.LabTests;

public static class Waits
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    /// <summary>Polls every 2 s until the condition holds; fails the test when the time is up.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var polled = await Waiter.System.PollAsync(async (_, _) => await condition(), held => held, new PollSchedule(timeout, Poll));
        if (!polled.Done)
            throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}");
    }
}
