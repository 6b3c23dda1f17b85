using System.Runtime.ExceptionServices;
using Spectre.Console;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// Runs a step on each environment a `--env` selector names (<see cref="ProjectLayout.SelectEnvironments"/>: a name, a
/// comma-separated list, or `all`), in that order. Deploy stops at the first failure; Plan goes on. With more than one
/// environment it ends with one line saying which succeeded, which failed and which were not attempted.
/// </summary>
public sealed class EnvironmentSequence(ProjectLayout layout, IAnsiConsole console)
{
    /// <param name="done">What a success is called in the summary: "deployed", "planned".</param>
    public async Task<IReadOnlyList<T>> RunAsync<T>(string selector, string done, bool stopAtFirstFailure, Func<string, Task<T>> step)
    {
        var names = layout.SelectEnvironments(selector);
        if (names.Count == 0)
            throw new PipelineFailedException($"--env={selector} names no environment (a name, a comma-separated list, or all)");

        var results = new List<T>();
        var succeeded = new List<string>();
        var failed = new List<(string Name, Exception Error)>();
        foreach (var name in names)
        {
            try
            {
                results.Add(await step(name));
                succeeded.Add(name);
            }
            catch (Exception e)
            {
                failed.Add((name, e));
                if (stopAtFirstFailure || e is not PipelineFailedException)
                    break;
            }
        }

        var notAttempted = names.Except(succeeded).Except(failed.Select(f => f.Name)).ToList();
        if (names.Count > 1)
            console.MarkupLine(Markup.Escape(Summary(done, succeeded, failed.Select(f => f.Name).ToList(), notAttempted)));
        // One environment fails with its own error, as it always did; the message names the environment already.
        if (failed.FirstOrDefault(f => f.Error is not PipelineFailedException || names.Count == 1) is { Error: { } own })
            ExceptionDispatchInfo.Throw(own);
        if (failed.Count > 0)
        {
            var reasons = string.Join(" | ", failed.Select(f => $"{f.Name}: {f.Error.Message}"));
            var exitCode = failed.Select(f => ((PipelineFailedException)f.Error).ExitCode).Max();
            throw new PipelineFailedException(notAttempted.Count > 0 ? $"{reasons} (not attempted: {string.Join(", ", notAttempted)})" : reasons, exitCode);
        }
        return results;
    }

    /// <summary>`deployed: dev, staging; failed: prod; not attempted: lab`.</summary>
    public static string Summary(string done, IReadOnlyList<string> succeeded, IReadOnlyList<string> failed, IReadOnlyList<string> notAttempted)
    {
        static string List(IReadOnlyList<string> names) => names.Count > 0 ? string.Join(", ", names) : "none";
        var parts = new List<string> { $"{done}: {List(succeeded)}", $"failed: {List(failed)}" };
        if (notAttempted.Count > 0)
            parts.Add($"not attempted: {List(notAttempted)}");
        return string.Join("; ", parts);
    }
}
