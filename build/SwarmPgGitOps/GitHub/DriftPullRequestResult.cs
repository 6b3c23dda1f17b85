using SwarmPgGitOps.Drift;

namespace SwarmPgGitOps.GitHub;

public enum DriftPullRequestAction
{
    /// <summary>A new drift pull request was opened.</summary>
    Opened,

    /// <summary>The open drift pull request got a new commit, title and body.</summary>
    Updated,

    /// <summary>The drift is gone: the open drift pull request was commented on and closed, its branch deleted.</summary>
    Closed,

    /// <summary>In sync, and no drift pull request was open.</summary>
    Nothing,
}

/// <summary>
/// What <see cref="DriftPullRequests"/> did. <see cref="BranchSha"/> is the drift branch's commit (null once closed);
/// <see cref="BaseSha"/> the default branch's head it was compared with.
/// </summary>
public sealed record DriftPullRequestResult(
    DriftPullRequestAction Action,
    int? Number,
    string? Url,
    string? BranchSha,
    string BaseSha,
    IReadOnlyList<ItemAdoption> Items)
{
    public override string ToString() => Action switch
    {
        DriftPullRequestAction.Nothing => "in sync, no drift pull request open",
        DriftPullRequestAction.Closed => $"drift is gone: closed pull request #{Number} ({Url})",
        _ => $"{Action.ToString().ToLowerInvariant()} pull request #{Number} ({Url}): {Items.Count(i => i.Adopted)} of {Items.Count} difference(s) adopted",
    };
}
