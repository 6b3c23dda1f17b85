using Spectre.Console;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Pipeline;

public static class PlanPrinter
{
    public static void Print(IAnsiConsole console, DeployPlan plan)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("Object").AddColumn("Name").AddColumn("Action").AddColumn("Changes");
        foreach (var change in plan.Changes)
        {
            var colour = change.Change switch { ChangeKind.Create => "green", ChangeKind.Update => "yellow", ChangeKind.Remove => "red", _ => "grey" };
            var details = change.Fields.Count > 0
                ? string.Join("\n", change.Fields.Select(f => f.Summary()))
                : change.Note ?? "";
            table.AddRow(change.ObjectKind, Markup.Escape(change.Name), $"[{colour}]{change.Change.ToString().ToLowerInvariant()}[/]", Markup.Escape(details));
        }
        console.Write(table);
        var counts = plan.Changes.GroupBy(c => c.Change).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
        console.WriteLine(string.Join(", ", counts));
    }
}
