using System.Diagnostics;

namespace SwarmPgGitOps.LabTests;

public static class Waits
{
    /// <summary>Polls every 2 s until the condition holds; fails the test when the time is up.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }
}
