using Spectre.Console;
using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Pipeline;

/// <summary>Validate: every check on every selected environment, all problems at once, nothing deployed.</summary>
public sealed class ValidateStep(ProjectLayout layout, IAnsiConsole console)
{
    public IReadOnlyList<ValidationReport> Run(string environments)
    {
        var validator = new Validator(layout);
        var reports = layout.SelectEnvironments(environments).Select(validator.Validate).ToList();
        foreach (var report in reports)
        {
            DiagnosticPrinter.Print(console, report.Diagnostics);
            var errors = report.Diagnostics.Count(d => d.IsError);
            var warnings = report.Diagnostics.Count - errors;
            console.MarkupLine(report.Passed
                ? $"[green]valid[/] {Markup.Escape(report.Environment)}{(warnings > 0 ? $" ({warnings} warning(s))" : "")}"
                : $"[red]invalid[/] {Markup.Escape(report.Environment)}: {errors} error(s), {warnings} warning(s)");
        }
        var failed = reports.Where(r => !r.Passed).Select(r => r.Environment).ToList();
        if (failed.Count > 0)
            throw new PipelineFailedException($"validation failed for {string.Join(", ", failed)}");
        return reports;
    }
}
