using Spectre.Console;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Secrets;
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

    /// <summary>The Patroni rollout's part of the plan: the dynamic configuration keys (git against live, secrets hidden), then the steps in order.</summary>
    public static void PrintPatroni(IAnsiConsole console, PatroniRolloutPlan plan)
    {
        if (!plan.HasChanges)
        {
            console.WriteLine("patroni: nothing to change (dynamic configuration as git renders it, no member to update, the preferred member leads)");
            return;
        }
        if (plan.ConfigChanges.Count > 0)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumn("Patroni dynamic config").AddColumn("Git").AddColumn("Live");
            foreach (var change in plan.ConfigChanges)
            {
                var secret = Redaction.IsSecretName(change.Key);
                table.AddRow(Markup.Escape(change.Key), Markup.Escape(secret ? Redaction.Hidden : change.Desired ?? "(absent)"),
                    Markup.Escape(secret ? Redaction.Hidden : change.Live ?? "(absent)"));
            }
            console.Write(table);
        }
        console.WriteLine("patroni rollout:");
        var number = 0;
        foreach (var step in plan.Steps)
            console.WriteLine($"  {++number}. {step}");
    }
}
