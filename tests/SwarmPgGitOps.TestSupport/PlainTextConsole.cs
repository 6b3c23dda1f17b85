using Spectre.Console;

namespace SwarmPgGitOps.TestSupport;

public static class PlainTextConsole
{
    /// <summary>A console that writes plain, unwrapped text to a writer, for tests that read what a step printed.</summary>
    public static IAnsiConsole Writing(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 1000;
        return console;
    }
}
