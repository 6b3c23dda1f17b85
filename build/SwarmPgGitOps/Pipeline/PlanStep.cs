using Spectre.Console;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Patroni;
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
            var desired = target.Desired.KeepingLiveBootstrap(live);
            // The Patroni layout onto a classic stack: the services it replaces, or Deploy's refusal, now.
            var replacement = EnvironmentLayouts.Of(target.Environment.Spec) == EnvironmentLayout.Patroni
                ? await new ClassicTakeover(new DockerSwarmApi(target.Docker)).DecideAsync(desired, live, options, cancellation)
                : Replacement.None;
            var plan = DeployPlan.Compute(desired, live, options.Prune, replacement);
            console.MarkupLine($"plan for [bold]{Markup.Escape(environment)}[/] (stack {Markup.Escape(target.Desired.Stack)} at {Markup.Escape(target.Endpoint)}):");
            PlanPrinter.Print(console, plan);
            return plan;
        });
}
