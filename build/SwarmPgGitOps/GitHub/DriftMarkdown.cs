using System.Text;
using SwarmPgGitOps.Drift;

namespace SwarmPgGitOps.GitHub;

/// <summary>The words of a drift pull request: its title, body, commit message and the drift record file committed with it.</summary>
public static class DriftMarkdown
{
    public static string Title(DriftReport report) =>
        $"Drift in {report.Environment}: {report.Items.Count} difference(s)";

    public static string CommitMessage(DriftReport report, AdoptionPlan plan) =>
        $"Drift in {report.Environment}: adopt {plan.Adopted.Count} of {report.Items.Count} live value(s)\n\n"
        + string.Join("\n", plan.Adopted.Select(a => $"- {a.Item.AdoptPath}: {a.Item.AdoptValue}"));

    /// <summary>drift/&lt;env&gt;.md: the table alone, so the same drift gives the same file.</summary>
    public static string RecordFile(DriftReport report, AdoptionPlan plan) =>
        $"# Drift in {report.Environment}\n\n"
        + $"Differences between `{report.EnvironmentFile}` (git) and the live cluster (live).\n\n"
        + Table(plan);

    public static string Body(DriftReport report, AdoptionPlan plan, string baseBranch, string baseSha)
    {
        var body = new StringBuilder()
            .Append($"The live **{report.Environment}** cluster differs from what git renders from `{report.EnvironmentFile}` ")
            .Append($"on `{baseBranch}` ({baseSha[..Math.Min(7, baseSha.Length)]}): {report.Items.Count} difference(s).\n\n")
            .Append(Table(plan))
            .Append('\n');

        var adopted = plan.Adopted;
        body.Append(adopted.Count == 0
            ? "**Merging** this pull request adopts nothing: none of the live values can be written into the environment file. It only records the drift in "
              + $"`drift/{report.Environment}.md`.\n\n"
            : $"**Merging** this pull request adopts the live values of {adopted.Count} difference(s) into `{report.EnvironmentFile}`: "
              + string.Join(", ", adopted.Select(a => $"{Code(a.Item.AdoptPath!)} = {Code(a.Item.AdoptValue!)}").Distinct()) + ".\n\n");
        var rest = plan.NotAdopted.Count;
        if (rest > 0)
            body.Append($"{rest} difference(s) cannot be adopted from the file; after merging, the next deploy sets git's state for them.\n\n");

        return body
            .Append($"**Closing** this pull request and running `./build.sh --target=Deploy --env={report.Environment}` restores git's state on the cluster instead.\n")
            .ToString();
    }

    private static string Table(AdoptionPlan plan)
    {
        var table = new StringBuilder("| Object | Field | Git | Live | Adopted? |\n|---|---|---|---|---|\n");
        foreach (var (item, problem) in plan.Items)
        {
            var adopted = problem is null ? $"yes: {Code(item.AdoptPath!)}" : $"no: {Cell(problem)}";
            table.Append($"| {Cell(item.Object)} | {Cell(item.Field)} | {Code(item.Desired)} | {Code(item.Live)} | {adopted} |\n");
        }
        return table.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings("<br>");

    private static string Code(string text) =>
        text.Length == 0 ? "(empty)" : text.Contains('`') ? Cell(text) : $"`{Cell(text)}`";
}
