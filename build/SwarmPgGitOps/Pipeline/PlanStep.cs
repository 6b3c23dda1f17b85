using Spectre.Console;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// Plan: what Deploy would create, update or leave, field by field, for each environment in order; in the Patroni layout
/// also what the rollout would do to Patroni (<see cref="PatroniRolloutPlan"/>). Changes nothing.
/// </summary>
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
            if (EnvironmentLayouts.Of(target.Environment.Spec) == EnvironmentLayout.Patroni)
                await PlanPatroniAsync(target, desired, live, plan, cancellation);
            return plan;
        });

    /// <summary>Asks Patroni (read only: its members and dynamic configuration) and prints what the rollout would do; a Patroni that cannot be asked is said, not fatal.</summary>
    private async Task PlanPatroniAsync(SwarmTarget target, DesiredStack desired, LiveStack live, DeployPlan plan, CancellationToken cancellation)
    {
        var spec = target.Environment.Spec;
        var settings = PatroniRolloutSettings.For(spec);
        var running = desired.Services.Any(s => s.Role == StackContainerLocator.MemberRole && live.Service(s.Name) is not null);
        if (!running)
        {
            PlanPrinter.PrintPatroni(console, PatroniRolloutPlan.Compute(desired, plan, null, null, settings));
            return;
        }
        try
        {
            var patroni = PatroniCtl.For(spec, new DockerSwarmApi(target.Docker));
            var (cluster, liveConfig) = await patroni.StateAsync(cancellation);
            PlanPrinter.PrintPatroni(console, PatroniRolloutPlan.Compute(desired, plan, cluster, liveConfig, settings));
        }
        catch (PatroniUnavailableException e)
        {
            console.MarkupLine($"[yellow]Patroni could not be asked, so the plan shows the Swarm objects only[/]: {Markup.Escape(e.Message)}");
        }
    }
}
