using Spectre.Console;
using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Pipeline;

/// <summary>Prints diagnostics one per line, `file:line:column: message (hint: ...)`, so editors and CI annotate them.</summary>
public static class DiagnosticPrinter
{
    public static void Print(IAnsiConsole console, IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            var colour = d.IsError ? "red" : "yellow";
            console.MarkupLine($"[{colour}]{Markup.Escape(d.ToString())}[/]");
            if (Environment.GetEnvironmentVariable("GITHUB_ACTIONS") == "true")
                console.WriteLine(GitHubAnnotation(d));
        }
    }

    private static string GitHubAnnotation(Diagnostic d)
    {
        var kind = d.IsError ? "error" : "warning";
        var text = d.Hint is null ? d.Message : $"{d.Message} (hint: {d.Hint})";
        return $"::{kind} file={d.File},line={Math.Max(d.Line, 1)},col={Math.Max(d.Column, 1)}::{text.Replace("\n", "%0A", StringComparison.Ordinal)}";
    }
}
