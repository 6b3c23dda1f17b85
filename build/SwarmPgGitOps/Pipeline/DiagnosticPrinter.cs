using Spectre.Console;
using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Pipeline;

/// <summary>Prints diagnostics one per line (never wrapped), `file:line:column: message (hint: ...)`, so editors and CI annotate them.</summary>
public static class DiagnosticPrinter
{
    public static void Print(IAnsiConsole console, IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            var colour = d.IsError ? "red" : "yellow";
            var line = d.ToString();
            // One diagnostic, one line, however long: editors and CI problem matchers read file:line:column per line,
            // so Spectre must not wrap it at the console width (a terminal still soft-wraps it on screen).
            var width = console.Profile.Width;
            console.Profile.Width = Math.Max(width, line.Length + 1);
            try { console.MarkupLine($"[{colour}]{Markup.Escape(line)}[/]"); }
            finally { console.Profile.Width = width; }
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
