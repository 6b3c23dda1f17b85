using Spectre.Console;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Pipeline;

/// <summary>Plan: what Deploy would create, update or leave, field by field. Changes nothing.</summary>
public sealed class PlanStep(ProjectLayout layout, IAnsiConsole console)
{
    public Task<DeployPlan> RunAsync(string environment, DeployOptions options, CancellationToken cancellation = default) =>
        StepFailures.Translate(console, async () =>
        {
            using var target = await SwarmTarget.PrepareAsync(layout, console, environment, cancellation: cancellation);
            var live = await LiveStack.ReadAsync(target.Docker, target.Desired.Stack, cancellation);
            var plan = DeployPlan.Compute(target.Desired, live, options.Prune);
            console.MarkupLine($"plan for [bold]{Markup.Escape(environment)}[/] (stack {Markup.Escape(target.Desired.Stack)} at {Markup.Escape(target.Endpoint)}):");
            PlanPrinter.Print(console, plan);
            return plan;
        });
}
