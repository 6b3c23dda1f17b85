using System.Text.Json;
using Spectre.Console;

namespace SwarmPgGitOps.Drift;

/// <summary>A drift report as a console table (object, field, git, live, adoptable) and as drift.json.</summary>
public static class DriftOutput
{
    public static void Print(IAnsiConsole console, DriftReport report, string stack)
    {
        if (report.InSync)
        {
            console.MarkupLine($"[green]in sync[/]: {Markup.Escape(report.Environment)} (stack {Markup.Escape(stack)}) is as {Markup.Escape(report.EnvironmentFile)} renders it");
            return;
        }
        var table = new Table().Border(TableBorder.Simple).AddColumn("Object").AddColumn("Field").AddColumn("Git").AddColumn("Live").AddColumn("Adoptable");
        foreach (var item in report.Items)
        {
            table.AddRow(Markup.Escape(item.Object), Markup.Escape(item.Field), Markup.Escape(Show(item.Desired)), Markup.Escape(Show(item.Live)),
                item.CanBeAdopted ? $"[green]yes[/]: {Markup.Escape($"{item.AdoptPath} = {item.AdoptValue}")}" : "[grey]no[/]");
        }
        console.Write(table);
        foreach (var item in report.Items.Where(i => i.Hint is not null))
            console.MarkupLine($"{Markup.Escape(item.Object)} {Markup.Escape(item.Field)}: [grey]hint: {Markup.Escape(item.Hint!)}[/]");
        var adoptable = report.Items.Count(i => i.CanBeAdopted);
        console.MarkupLine($"[yellow]drift[/]: {Markup.Escape(report.Environment)} (stack {Markup.Escape(stack)}) differs from {Markup.Escape(report.EnvironmentFile)} "
            + $"in {report.Items.Count} place(s), {adoptable} adoptable into the file");
    }

    public static string ToJson(DriftReport report, string stack, DateTimeOffset checkedAt) => JsonSerializer.Serialize(new
    {
        report.Environment,
        report.EnvironmentFile,
        Stack = stack,
        CheckedAt = checkedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        report.InSync,
        Items = report.Items.Select(i => new
        {
            i.Object,
            i.Field,
            Git = i.Desired,
            i.Live,
            Adoptable = i.CanBeAdopted,
            i.AdoptPath,
            i.AdoptValue,
            i.Hint,
        }),
    }, ArtifactJson.Options);

    private static string Show(string value) => value.Length == 0 ? "(none)" : value;
}
