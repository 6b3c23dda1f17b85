using Spectre.Console;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Pipeline;

/// <summary>Plan: what Deploy would create, update or leave, field by field. Changes nothing.</summary>
public sealed class PlanStep(ProjectLayout layout, IAnsiConsole console)
{
    public DeployPlan Run(string environment, DeployOptions options)
    {
        using var target = SwarmTarget.PrepareAsync(layout, console, environment).GetAwaiter().GetResult();
        var live = LiveStack.ReadAsync(target.Docker, target.Desired.Stack).GetAwaiter().GetResult();
        var plan = DeployPlan.Compute(target.Desired, live, options.Prune);
        console.MarkupLine($"plan for [bold]{Markup.Escape(environment)}[/] (stack {Markup.Escape(target.Desired.Stack)} at {Markup.Escape(target.Endpoint)}):");
        PlanPrinter.Print(console, plan);
        return plan;
    }
}
