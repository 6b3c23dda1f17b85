using Spectre.Console;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Pipeline;

/// <summary>Plan: what Deploy would create, update or leave, field by field, for each environment in order. Changes nothing.</summary>
public sealed class PlanStep(ProjectLayout layout, IAnsiConsole console)
{
    /// <param name="environments">A name, a comma-separated list, or `all`; one that cannot be planned does not stop the others.</param>
    public Task<IReadOnlyList<DeployPlan>> RunAsync(string environments, DeployOptions options, CancellationToken cancellation = default) =>
        new EnvironmentSequence(layout, console).RunAsync(environments, "planned", stopAtFirstFailure: false,
            environment => RunOneAsync(environment, options, cancellation));

    private Task<DeployPlan> RunOneAsync(string environment, DeployOptions options, CancellationToken cancellation) =>
        StepFailures.Translate(console, async () =>
        {
            using var target = await SwarmTarget.PrepareAsync(layout, console, environment, cancellation: cancellation);
            var live = await LiveStack.ReadAsync(target.Docker, target.Desired.Stack, cancellation);
            var plan = DeployPlan.Compute(target.Desired.KeepingLiveBootstrap(live), live, options.Prune);
            console.MarkupLine($"plan for [bold]{Markup.Escape(environment)}[/] (stack {Markup.Escape(target.Desired.Stack)} at {Markup.Escape(target.Endpoint)}):");
            PlanPrinter.Print(console, plan);
            return plan;
        });
}
