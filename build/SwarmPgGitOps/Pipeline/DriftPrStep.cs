using SwarmPgGitOps.Waiting;
using Spectre.Console;
using SwarmPgGitOps.Drift;
using SwarmPgGitOps.GitHub;
using SwarmPgGitOps.Postgres;

namespace SwarmPgGitOps.Pipeline;

/// <summary>
/// DriftPr: Drift, then keeps each environment's drift pull request in step with the report (opened, updated, or closed
/// once the drift is gone). The environment file is read from the working tree, which CI checks out at the default branch.
/// Exit codes as Drift: 2 while drifted (after the pull request is in step), 1 on errors.
/// </summary>
public sealed class DriftPrStep(ProjectLayout layout, IAnsiConsole console, GitHubSettings? github = null, Func<string, string?>? variable = null, RetrySchedule? retry = null)
{
    public Task<IReadOnlyList<(DriftReport Report, DriftPullRequestResult PullRequest)>> RunAsync(string environments) =>
        StepFailures.Translate(console, async () =>
        {
            var settings = github ?? GitHubSettings.FromEnvironment();
            var pulls = DriftPullRequests.For(settings);
            var results = new List<(DriftReport Report, DriftPullRequestResult PullRequest)>();
            var reports = await new DriftStep(layout, console, variable, retry).CheckAsync(environments, async (report, name) =>
            {
                var text = await File.ReadAllTextAsync(layout.EnvironmentFile(name));
                var result = await pulls.Sync(report, text);
                console.MarkupLine($"drift pull request for {Markup.Escape(name)} in {Markup.Escape(settings.ToString())}: {Markup.Escape(result.ToString())}");
                results.Add((report, result));
            });
            DriftStep.FailIfDrifted(reports);
            return (IReadOnlyList<(DriftReport Report, DriftPullRequestResult PullRequest)>)results;
        });
}
