using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace SwarmPgGitOps.Smoke;

/// <summary>The three forms of a smoke report: a console table, smoke.json for machines, and a Markdown table for the GitHub step summary.</summary>
public static class SmokeOutput
{
    public static void Print(IAnsiConsole console, SmokeReport report)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("Check").AddColumn("Target").AddColumn("Value").AddColumn("Threshold").AddColumn("Result");
        foreach (var check in report.Checks)
        {
            table.AddRow(
                Markup.Escape(check.Name), Markup.Escape(check.Target), Markup.Escape(check.Value), Markup.Escape(check.Threshold),
                check.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
        }
        console.Write(table);
        foreach (var failure in report.Failures)
            console.MarkupLine($"[red]{Markup.Escape(failure.Describe())}[/] (look at: {Markup.Escape(failure.Hint ?? "")})");
        console.MarkupLine(Markup.Escape(Summary(report)));
    }

    public static string Summary(SmokeReport report)
    {
        var canary = report.Canary.Count == 0
            ? "no canary"
            : "canary round trip " + string.Join(", ", report.Canary.Select(a => $"{a.Replica} {(a.RoundTrip is { } t ? CanaryChecks.Milliseconds(t) : "not seen")}"));
        var verdict = report.Passed ? "passed" : $"FAILED ({report.Failures.Count} of {report.Checks.Count} checks)";
        return $"smoke {report.Environment}: {verdict}, {report.Checks.Count} checks in {Milliseconds(report.Duration)} ms; {canary}";
    }

    public static string ToJson(SmokeReport report) => JsonSerializer.Serialize(new
    {
        report.Environment,
        report.Stack,
        StartedAt = report.StartedAt.ToString("O", CultureInfo.InvariantCulture),
        DurationMs = Milliseconds(report.Duration),
        report.Passed,
        Targets = report.Targets.Select(t => new { t.Name, t.Service, t.Host, t.Port, t.Source }),
        Checks = report.Checks.Select(c => new { c.Name, c.Target, c.Value, c.Threshold, c.Passed, c.Hint }),
        Canary = report.Canary.Select(a => new
        {
            a.Replica,
            RoundTripMs = a.RoundTrip is { } t ? Milliseconds(t) : (decimal?)null,
            ReplayAgeSeconds = a.ReplayAge?.TotalSeconds,
            a.Error,
        }),
    }, ArtifactJson.Options);

    public static string ToMarkdown(SmokeReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### Smoke checks: {report.Environment} ({(report.Passed ? "passed" : "FAILED")})");
        text.AppendLine();
        text.AppendLine("| Check | Target | Value | Threshold | Result |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var c in report.Checks)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(c.Name)} | {Cell(c.Target)} | {Cell(c.Value)} | {Cell(c.Threshold)} | {(c.Passed ? "✅ pass" : "❌ FAIL: " + Cell(c.Hint ?? ""))} |");
        text.AppendLine();
        text.AppendLine(Summary(report));
        text.AppendLine();
        return text.ToString();
    }

    private static decimal Milliseconds(TimeSpan time) => Math.Round((decimal)time.TotalMilliseconds, 1, MidpointRounding.AwayFromZero);

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
