using Spectre.Console;

namespace SwarmPgGitOps.Pipeline;

public static class PipelineConsole
{
    /// <summary>The console, at least 140 columns wide when the output goes to a CI log rather than a terminal.</summary>
    public static IAnsiConsole Create()
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected && console.Profile.Width < 140)
            console.Profile.Width = 140;
        return console;
    }
}
