using Octokit;
using SwarmPgGitOps.Drift;

namespace SwarmPgGitOps.GitHub;

/// <summary>
/// Keeps one pull request per environment in step with its drift report. While there is drift, branch drift/&lt;env&gt; holds one
/// commit on the default branch's head that writes the adoptable live values into the environment file and records the drift in
/// drift/&lt;env&gt;.md, and the pull request's body lists every difference. When the drift is gone, the pull request is closed.
/// GitHub's refusals become <see cref="DriftPullRequestFailedException"/>s that say what to fix.
/// </summary>
public sealed class DriftPullRequests(IGitHubClient client, string owner, string repository)
{
    private readonly GitHubCalls _calls = new(owner, repository);

    public static DriftPullRequests For(GitHubSettings settings) => new(settings.CreateClient(), settings.Owner, settings.Repository);

    public static string BranchFor(string environment) => $"drift/{environment}";

    public static string RecordFileFor(string environment) => $"drift/{environment}.md";

    /// <param name="environmentFileText">The environment file as it is on the default branch; adopted values are written into it.</param>
    public async Task<DriftPullRequestResult> Sync(DriftReport report, string environmentFileText)
    {
        var git = new GitDataBranch(client, owner, repository, _calls);
        var repo = await _calls.Run($"reading repository {owner}/{repository}", () => client.Repository.Get(owner, repository));
        var baseBranch = repo.DefaultBranch;
        var baseSha = await git.Head(baseBranch)
            ?? throw new DriftPullRequestFailedException($"the default branch '{baseBranch}' of {owner}/{repository} has no commit to base a drift branch on");
        var branch = BranchFor(report.Environment);
        var open = await FindOpen(branch);

        if (report.InSync)
            return open is null ? new(DriftPullRequestAction.Nothing, null, null, null, baseSha, []) : await Close(open, git, branch, baseSha);
        return await OpenOrUpdate(report, environmentFileText, open, git, branch, baseBranch, baseSha);
    }

    private async Task<DriftPullRequestResult> OpenOrUpdate(
        DriftReport report, string environmentFileText, PullRequest? open, GitDataBranch git, string branch, string baseBranch, string baseSha)
    {
        var baseTree = await git.TreeOf(baseSha);
        await EnsureSameFile(git, baseTree, report.EnvironmentFile, environmentFileText, baseBranch, baseSha);
        var plan = DriftAdoption.Plan(report, environmentFileText);
        var files = new Dictionary<string, string> { [RecordFileFor(report.Environment)] = DriftMarkdown.RecordFile(report, plan) };
        if (plan.ChangesFile)
            files[report.EnvironmentFile] = plan.EnvironmentText;

        var tree = await git.Tree(baseTree, files);
        var branchSha = await git.Head(branch);
        if (branchSha is null || !await git.Matches(branchSha, tree, baseSha))
        {
            var commit = await git.Commit(DriftMarkdown.CommitMessage(report, plan), tree, baseSha);
            await git.PointAt(branch, commit, exists: branchSha is not null);
            branchSha = commit;
        }

        var title = DriftMarkdown.Title(report);
        var body = DriftMarkdown.Body(report, plan, baseBranch, baseSha);
        if (open is not null)
        {
            var updated = await _calls.Run($"updating pull request #{open.Number}", () =>
                client.PullRequest.Update(owner, repository, open.Number, new PullRequestUpdate { Title = title, Body = body }));
            return new(DriftPullRequestAction.Updated, updated.Number, updated.HtmlUrl, branchSha, baseSha, plan.Items);
        }

        var created = await _calls.Run($"opening a pull request from {branch}", () =>
            client.PullRequest.Create(owner, repository, new NewPullRequest(title, branch, baseBranch) { Body = body }));
        await Label(created.Number, report.Environment);
        return new(DriftPullRequestAction.Opened, created.Number, created.HtmlUrl, branchSha, baseSha, plan.Items);
    }

    /// <summary>The drift commit replaces the whole file, so the text it starts from must be the file on the branch head, or newer changes would be undone.</summary>
    private async Task EnsureSameFile(GitDataBranch git, string baseTree, string file, string text, string baseBranch, string baseSha)
    {
        var onBranch = await git.BlobAt(baseTree, file);
        if (onBranch is null)
            throw new DriftPullRequestFailedException($"{file} does not exist on {baseBranch} ({baseSha[..7]}) of {owner}/{repository}: drift is only proposed for environments committed there");
        if (onBranch != GitDataBranch.BlobId(text))
            throw new DriftPullRequestFailedException($"{file} on {baseBranch} ({baseSha[..7]}) is not the text the drift was checked against: "
                + $"{baseBranch} moved on or the checkout is not its head. Check drift again from {baseBranch}'s head");
    }

    private async Task<DriftPullRequestResult> Close(PullRequest open, GitDataBranch git, string branch, string baseSha)
    {
        await _calls.Run($"commenting on pull request #{open.Number}", () =>
            client.Issue.Comment.Create(owner, repository, open.Number, $"Drift is gone as of {baseSha}: the live cluster matches git again, so this pull request is closed."));
        await _calls.Run($"closing pull request #{open.Number}", () =>
            client.PullRequest.Update(owner, repository, open.Number, new PullRequestUpdate { State = ItemState.Closed }));
        await git.Delete(branch);
        return new(DriftPullRequestAction.Closed, open.Number, open.HtmlUrl, null, baseSha, []);
    }

    private async Task<PullRequest?> FindOpen(string branch)
    {
        var request = new PullRequestRequest { State = ItemStateFilter.Open, Head = $"{owner}:{branch}" };
        var pulls = await _calls.Run($"looking for an open pull request from {branch}", () =>
            client.PullRequest.GetAllForRepository(owner, repository, request));
        return pulls.Where(p => p.Head?.Ref == branch).OrderBy(p => p.Number).FirstOrDefault();
    }

    private async Task Label(int number, string environment)
    {
        (string Name, string Color, string Description)[] wanted =
        [
            ("drift", "d93f0b", "The live cluster differs from git"),
            (environment, "1d76db", $"Environment {environment}"),
        ];
        var existing = await _calls.Run("listing labels", () => client.Issue.Labels.GetAllForRepository(owner, repository));
        foreach (var (name, color, description) in wanted.Where(w => !existing.Any(e => e.Name.Equals(w.Name, StringComparison.OrdinalIgnoreCase))))
        {
            await _calls.Run($"creating label '{name}'", async () =>
            {
                try
                {
                    await client.Issue.Labels.Create(owner, repository, new NewLabel(name, color) { Description = description });
                }
                catch (ApiValidationException e) when (e.ApiError?.Errors?.Any(error => error.Code == "already_exists") == true)
                {
                    // another run created it meanwhile
                }
            });
        }
        await _calls.Run($"labelling pull request #{number}", () =>
            client.Issue.Labels.AddToIssue(owner, repository, number, wanted.Select(w => w.Name).ToArray()));
    }
}
