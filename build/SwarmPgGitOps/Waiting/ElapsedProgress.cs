namespace SwarmPgGitOps.Waiting;

/// <summary>Progress for a long wait: "&lt;what&gt; (N s)" once per <paramref name="every"/>, whatever the polling rate.</summary>
public static class ElapsedProgress
{
    public static Action<TimeSpan> Every(TimeSpan every, string what, Action<string> progress)
    {
        var said = 0L;
        return elapsed =>
        {
            var due = (long)(elapsed / every);
            if (due <= said)
                return;
            said = due;
            progress($"{what} ({elapsed.TotalSeconds:0} s)");
        };
    }
}
