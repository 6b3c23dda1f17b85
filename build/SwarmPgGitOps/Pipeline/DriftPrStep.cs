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
public sealed class DriftPrStep(ProjectLayout layout, IAnsiConsole console, GitHubSettings? github = null, Func<string, string?>? variable = null, ConnectRetry? retry = null)
{
    public IReadOnlyList<(DriftReport Report, DriftPullRequestResult PullRequest)> Run(string environments)
    {
        var settings = github ?? GitHubSettings.FromEnvironment();
        var pulls = DriftPullRequests.For(settings);
        var results = new List<(DriftReport, DriftPullRequestResult)>();
        var reports = new DriftStep(layout, console, variable, retry).Check(environments, (report, name) =>
        {
            var text = File.ReadAllText(layout.EnvironmentFile(name));
            var result = pulls.Sync(report, text).GetAwaiter().GetResult();
            console.MarkupLine($"drift pull request for {Markup.Escape(name)} in {Markup.Escape(settings.ToString())}: {Markup.Escape(result.ToString())}");
            results.Add((report, result));
        });
        DriftStep.FailIfDrifted(reports);
        return results;
    }
}
