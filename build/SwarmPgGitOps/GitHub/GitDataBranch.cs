using Octokit;

namespace SwarmPgGitOps.GitHub;

/// <summary>
/// Writes commits and moves branches through GitHub's Git Data API (blobs, trees, commits, refs), so no clone or push is needed.
/// </summary>
internal sealed class GitDataBranch(IGitHubClient client, string owner, string repository, GitHubCalls calls)
{
    private readonly ApiConnection _api = new(client.Connection);

    /// <summary>The commit a branch points at, or null when there is no such branch.</summary>
    public Task<string?> Head(string branch) =>
        calls.Run($"reading branch {branch}", async () =>
        {
            try
            {
                // git/ref/ (singular) matches exactly; Octokit's Reference.Get uses git/refs/, which answers prefix matches with a list.
                var reference = await _api.Get<Reference>(new Uri($"repos/{Escape(owner)}/{Escape(repository)}/git/ref/heads/{EscapePath(branch)}", UriKind.Relative));
                return reference.Object.Sha;
            }
            catch (NotFoundException)
            {
                return null;
            }
        });

    public async Task<string> TreeOf(string commitSha)
    {
        var commit = await calls.Run($"reading commit {commitSha}", () => client.Git.Commit.Get(owner, repository, commitSha));
        return commit.Tree.Sha;
    }

    /// <summary>The blob id of the file at <paramref name="path"/> in a tree, or null when there is none; walks one tree per folder.</summary>
    public async Task<string?> BlobAt(string treeSha, string path)
    {
        var names = path.Split('/');
        var current = treeSha;
        for (var i = 0; i < names.Length; i++)
        {
            var sha = current;
            var tree = await calls.Run($"reading the git tree of {path}", () => client.Git.Tree.Get(owner, repository, sha));
            var wanted = i == names.Length - 1 ? TreeType.Blob : TreeType.Tree;
            var entry = tree.Tree.FirstOrDefault(e => e.Path == names[i] && e.Type.Value == wanted);
            if (entry is null)
                return null;
            current = entry.Sha;
        }
        return current;
    }

    /// <summary>A tree: <paramref name="baseTreeSha"/> with <paramref name="files"/> (path → text) written into it.</summary>
    public async Task<string> Tree(string baseTreeSha, IReadOnlyDictionary<string, string> files)
    {
        var tree = new NewTree { BaseTree = baseTreeSha };
        foreach (var (path, text) in files)
        {
            var blob = await calls.Run($"writing {path} to git", () =>
                client.Git.Blob.Create(owner, repository, new NewBlob { Content = text, Encoding = EncodingType.Utf8 }));
            tree.Tree.Add(new NewTreeItem { Path = path, Mode = "100644", Type = TreeType.Blob, Sha = blob.Sha });
        }
        var written = await calls.Run("writing the git tree", () => client.Git.Tree.Create(owner, repository, tree));
        return written.Sha;
    }

    /// <summary>The id git gives a file with this text (UTF-8, as the blobs are written).</summary>
    public static string BlobId(string text)
    {
        var content = System.Text.Encoding.UTF8.GetBytes(text);
        var header = System.Text.Encoding.ASCII.GetBytes($"blob {content.Length}\0");
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData([.. header, .. content]));
    }

    public async Task<string> Commit(string message, string treeSha, string parentSha)
    {
        var commit = await calls.Run("writing the git commit", () =>
            client.Git.Commit.Create(owner, repository, new NewCommit(message, treeSha, parentSha)));
        return commit.Sha;
    }

    /// <summary>Whether <paramref name="commitSha"/> has exactly this tree and parent, so writing it again would change nothing.</summary>
    public async Task<bool> Matches(string commitSha, string treeSha, string parentSha)
    {
        var commit = await calls.Run($"reading commit {commitSha}", () => client.Git.Commit.Get(owner, repository, commitSha));
        return commit.Tree.Sha == treeSha && commit.Parents.Count == 1 && commit.Parents[0].Sha == parentSha;
    }

    /// <summary>Creates the branch at <paramref name="sha"/>, or moves it there even when that is not a fast-forward.</summary>
    public Task PointAt(string branch, string sha, bool exists) =>
        exists
            ? calls.Run($"moving branch {branch}", () => client.Git.Reference.Update(owner, repository, $"heads/{branch}", new ReferenceUpdate(sha, force: true)))
            : calls.Run($"creating branch {branch}", () => client.Git.Reference.Create(owner, repository, new NewReference($"refs/heads/{branch}", sha)));

    public Task Delete(string branch) =>
        calls.Run($"deleting branch {branch}", async () =>
        {
            try
            {
                await client.Git.Reference.Delete(owner, repository, $"heads/{branch}");
            }
            catch (Exception e) when (e is NotFoundException or ApiValidationException)
            {
                // already gone: someone deleted it when closing the pull request
            }
        });

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Escape));
}
