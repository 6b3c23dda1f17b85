using SwarmPgGitOps.Drift;
using SwarmPgGitOps.GitHub;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.TestSupport.GitHub;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.GitHub;

/// <summary>Drift pull requests against the GitHub test double, checked in its bare git repository and its recorded state.</summary>
public sealed class DriftPullRequestsTests : IAsyncLifetime
{
    private static readonly string Lab = ClassicFixture.LabText;

    private static readonly DriftItem NewerImage = new("service pg-lab_primary", "image", "swarm-pg/postgres:15-lab", "swarm-pg/postgres:15.7-lab",
        "postgres.image", "swarm-pg/postgres:15.7-lab");

    private static readonly DriftItem WorkMem = new("database primary", "settings.work_mem", "(default) 4MB", "8MB", "postgres.settings.extra.work_mem", "8MB");

    private static readonly DriftItem MemoryLimit = new("service pg-lab_replica1", "resources.limits.memory", "(none)", "512M");

    private GitHubDouble _github = null!;

    public async Task InitializeAsync() => _github = await GitHubDouble.Start(new Dictionary<string, string> { ["environments/lab.yml"] = Lab });

    public async Task DisposeAsync() => await _github.DisposeAsync();

    private DriftPullRequests Pulls(string? token = null) => new(_github.Client(token), GitHubDouble.Owner, GitHubDouble.Name);

    private static DriftReport Report(params DriftItem[] items) => new("lab", "environments/lab.yml", items);

    private string MainSha => _github.Git.ResolveRef("refs/heads/main")!;

    [Fact]
    public async Task First_drift_opens_a_pull_request_whose_branch_adopts_the_live_values()
    {
        var mainBefore = MainSha;

        var result = await Pulls().Sync(Report(NewerImage, WorkMem, MemoryLimit), Lab);

        Assert.Equal(DriftPullRequestAction.Opened, result.Action);
        var pull = Assert.Single(_github.PullRequests);
        Assert.Equal((pull.Number, $"{_github.BaseAddress}acme/swarm-pg-gitops/pull/{pull.Number}"), (result.Number!.Value, result.Url));
        Assert.Equal(("drift/lab", "main", "open"), (pull.Head, pull.Base, pull.State));
        Assert.Equal("Drift in lab: 3 difference(s)", pull.Title);
        Assert.Equal(["drift", "lab"], pull.Labels);
        Assert.Equal(["drift", "lab"], _github.Labels.Select(l => l.Name));

        var branch = _github.Git.ResolveRef("refs/heads/drift/lab");
        Assert.Equal(branch, result.BranchSha);
        Assert.Equal([mainBefore], _github.Git.ReadCommit(branch!).Parents);
        Assert.Equal(mainBefore, MainSha);
        var adopted = Repo.Load(_github.Git.Show("drift/lab", "environments/lab.yml"), "lab").Spec;
        Assert.Equal("swarm-pg/postgres:15.7-lab", adopted.Postgres.Image);
        Assert.Equal("8MB", adopted.Postgres.Settings.Extra["work_mem"]);
        Assert.Equal(Lab, _github.Git.Show("main", "environments/lab.yml"));

        var record = _github.Git.Show("drift/lab", "drift/lab.md");
        Assert.Contains("| service pg-lab_primary | image | `swarm-pg/postgres:15-lab` | `swarm-pg/postgres:15.7-lab` | yes: `postgres.image` |", record);
        Assert.Contains("| service pg-lab_replica1 | resources.limits.memory | `(none)` | `512M` | no: the environment file has no key for it |", record);
        Assert.Contains("| database primary | settings.work_mem |", pull.Body);
        Assert.Contains("adopts the live values of 2 difference(s) into `environments/lab.yml`: `postgres.image` = `swarm-pg/postgres:15.7-lab`, `postgres.settings.extra.work_mem` = `8MB`.", pull.Body);
        Assert.Contains("`./build.sh --target=Deploy --env=lab` restores git's state", pull.Body);
        Assert.Empty(_github.Unhandled);
    }

    [Fact]
    public async Task Different_drift_later_updates_the_same_pull_request_and_force_moves_its_branch()
    {
        var first = await Pulls().Sync(Report(NewerImage, WorkMem), Lab);
        var bodyBefore = _github.PullRequests.Single().Body;

        var second = await Pulls().Sync(Report(MemoryLimit), Lab);

        Assert.Equal(DriftPullRequestAction.Updated, second.Action);
        Assert.Equal(first.Number, second.Number);
        var pull = Assert.Single(_github.PullRequests);
        Assert.Equal("Drift in lab: 1 difference(s)", pull.Title);
        Assert.NotEqual(bodyBefore, pull.Body);
        Assert.Contains("adopts nothing", pull.Body);

        var branch = _github.Git.ResolveRef("refs/heads/drift/lab")!;
        Assert.Equal(second.BranchSha, branch);
        Assert.NotEqual(first.BranchSha, branch);
        Assert.False(_github.Git.IsAncestor(first.BranchSha!, branch), "the branch is rewritten, not stacked on the old drift commit");
        Assert.Equal([MainSha], _github.Git.ReadCommit(branch).Parents);
        Assert.Equal(Lab, _github.Git.Show("drift/lab", "environments/lab.yml"));
        Assert.Contains("resources.limits.memory", _github.Git.Show("drift/lab", "drift/lab.md"));
        Assert.Empty(_github.Unhandled);
    }

    [Fact]
    public async Task The_same_drift_again_leaves_the_branch_where_it_is()
    {
        var first = await Pulls().Sync(Report(NewerImage), Lab);

        var second = await Pulls().Sync(Report(NewerImage), Lab);

        Assert.Equal(DriftPullRequestAction.Updated, second.Action);
        Assert.Equal(first.BranchSha, second.BranchSha);
        Assert.Equal(first.BranchSha, _github.Git.ResolveRef("refs/heads/drift/lab"));
    }

    [Fact]
    public async Task In_sync_closes_the_open_pull_request_with_a_comment_and_deletes_its_branch()
    {
        var opened = await Pulls().Sync(Report(NewerImage), Lab);

        var result = await Pulls().Sync(Report(), Lab);

        Assert.Equal((DriftPullRequestAction.Closed, opened.Number), (result.Action, result.Number));
        var pull = Assert.Single(_github.PullRequests);
        Assert.Equal("closed", pull.State);
        Assert.StartsWith($"Drift is gone as of {MainSha}", Assert.Single(pull.Comments));
        Assert.Null(_github.Git.ResolveRef("refs/heads/drift/lab"));
        Assert.Empty(_github.Unhandled);
    }

    [Fact]
    public async Task In_sync_without_a_pull_request_changes_nothing()
    {
        var result = await Pulls().Sync(Report(), Lab);

        Assert.Equal(DriftPullRequestAction.Nothing, result.Action);
        Assert.Empty(_github.PullRequests);
        Assert.All(_github.Requests, r => Assert.StartsWith("GET ", r));
    }

    [Fact]
    public async Task Drift_after_a_closed_pull_request_opens_a_new_one()
    {
        await Pulls().Sync(Report(NewerImage), Lab);
        await Pulls().Sync(Report(), Lab);

        var again = await Pulls().Sync(Report(WorkMem), Lab);

        Assert.Equal(DriftPullRequestAction.Opened, again.Action);
        Assert.Equal(["closed", "open"], _github.PullRequests.Select(p => p.State));
        Assert.Equal(2, again.Number);
    }

    [Fact]
    public async Task An_environment_file_that_is_not_the_one_on_the_default_branch_is_refused()
    {
        var stale = Repo.With(Lab, "max_wal_senders: 10", "max_wal_senders: 8");

        var error = await Assert.ThrowsAsync<DriftPullRequestFailedException>(() => Pulls().Sync(Report(NewerImage), stale));

        Assert.StartsWith($"environments/lab.yml on main ({MainSha[..7]}) is not the text the drift was checked against", error.Message);
        Assert.Null(_github.Git.ResolveRef("refs/heads/drift/lab"));
        Assert.Empty(_github.PullRequests);
    }

    [Fact]
    public async Task An_environment_that_is_not_on_the_default_branch_is_refused()
    {
        var report = new DriftReport("qa", "environments/qa.yml", [NewerImage]);

        var error = await Assert.ThrowsAsync<DriftPullRequestFailedException>(() => Pulls().Sync(report, Lab));

        Assert.StartsWith($"environments/qa.yml does not exist on main ({MainSha[..7]})", error.Message);
    }

    [Fact]
    public async Task A_token_without_permissions_gets_an_error_naming_the_permissions()
    {
        _github.Failure = GitHubFailure.Forbidden;

        var error = await Assert.ThrowsAsync<DriftPullRequestFailedException>(() => Pulls().Sync(Report(NewerImage), Lab));

        Assert.Contains("403 Forbidden: Resource not accessible by integration", error.Message);
        Assert.Contains("the token lacks contents: write / pull-requests: write / issues: write", error.Message);
    }

    [Fact]
    public async Task An_exhausted_rate_limit_says_when_it_resets()
    {
        _github.Failure = GitHubFailure.RateLimited;

        var error = await Assert.ThrowsAsync<DriftPullRequestFailedException>(() => Pulls().Sync(Report(NewerImage), Lab));

        Assert.StartsWith("GitHub's API rate limit for this token is used up (5000 requests per hour)", error.Message);
        Assert.Contains("resets at", error.Message);
    }

    [Fact]
    public async Task A_wrong_token_is_rejected_with_401_and_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<DriftPullRequestFailedException>(() => Pulls("ghs_wrong").Sync(Report(NewerImage), Lab));

        Assert.StartsWith("GitHub rejected GITHUB_TOKEN (401 Unauthorized)", error.Message);
        Assert.Empty(_github.PullRequests);
    }

    [Fact]
    public async Task An_unknown_repository_gives_a_not_found_error_naming_it()
    {
        var pulls = new DriftPullRequests(_github.Client(), GitHubDouble.Owner, "no-such-repo");

        var error = await Assert.ThrowsAsync<DriftPullRequestFailedException>(() => pulls.Sync(Report(NewerImage), Lab));

        Assert.Contains("404 Not Found while reading repository acme/no-such-repo", error.Message);
        Assert.Contains("GITHUB_REPOSITORY (acme/no-such-repo)", error.Message);
    }
}
