using Spectre.Console;

namespace SwarmPgGitOps.Pipeline;

public static class TaskList
{
    public static void Print(IAnsiConsole console, IEnumerable<(string Name, string Description)> tasks)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("Task").AddColumn("What it does");
        foreach (var (name, description) in tasks.Where(t => t.Name != "Default"))
            table.AddRow(Markup.Escape(name), Markup.Escape(description ?? ""));
        console.Write(table);
        console.MarkupLine("Run one with [bold]./build.sh --target=<Task> --env=<environment|a,b|all>[/] (default env: lab).");
    }
}
