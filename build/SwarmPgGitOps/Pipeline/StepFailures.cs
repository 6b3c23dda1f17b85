using Spectre.Console;
using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// Where domain errors become exit codes. Every <see cref="ActionableException"/> (a deploy that failed, a lab that is not
/// up, a drift that could not be checked, GitHub refusing, ...) ends the step with its message and <see cref="Failed"/>;
/// a <see cref="DiagnosticsException"/> is printed line by line first. Drift's exit code 2 is a verdict, not an error
/// (<see cref="DriftStep.DriftedExitCode"/>); LabStatus passes the lab script's own codes on.
/// </summary>
internal static class StepFailures
{
    /// <summary>The step could not do what was asked (for Drift: could not check).</summary>
    public const int Failed = 1;

    public static async Task<T> Translate<T>(IAnsiConsole console, Func<Task<T>> step)
    {
        try
        {
            return await step();
        }
        catch (Exception e) when (e is ActionableException or DiagnosticsException)
        {
            throw Failure(console, e);
        }
    }

    public static Task Translate(IAnsiConsole console, Func<Task> step) =>
        Translate(console, async () =>
        {
            await step();
            return true;
        });

    public static void Translate(IAnsiConsole console, Action step)
    {
        try
        {
            step();
        }
        catch (Exception e) when (e is ActionableException or DiagnosticsException)
        {
            throw Failure(console, e);
        }
    }

    private static PipelineFailedException Failure(IAnsiConsole console, Exception error)
    {
        if (error is not DiagnosticsException { Diagnostics: var diagnostics })
            return new PipelineFailedException(error.Message, Failed, error);
        DiagnosticPrinter.Print(console, diagnostics);
        return new PipelineFailedException($"{diagnostics.Count} problem(s)", Failed, error);
    }
}
