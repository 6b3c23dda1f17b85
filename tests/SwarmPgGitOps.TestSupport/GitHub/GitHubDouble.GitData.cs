using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SwarmPgGitOps.TestSupport.GitHub;

/// <summary>The Git Data API: refs, blobs, trees and commits, each call one or two git plumbing commands on the bare repository.</summary>
public sealed partial class GitHubDouble
{
    private sealed record NewRefBody(string Ref, string Sha);

    private sealed record RefUpdateBody(string Sha, bool Force);

    private sealed record BlobBody(string Content, string? Encoding);

    private sealed record TreeItemBody(string Path, string Mode, string Type, string? Sha, string? Content);

    private sealed record TreeBody(string? BaseTree, List<TreeItemBody> Tree);

    private sealed record SignatureBody(string Name, string Email, DateTimeOffset? Date);

    private sealed record CommitBody(string Message, string Tree, List<string>? Parents, SignatureBody? Author);

    private void MapGitData(RouteGroupBuilder repository)
    {
        repository.MapGet("/git/ref/{**reference}", (string reference) =>
        {
            lock (_gate)
                return Git.ResolveRef($"refs/{reference}") is { } sha ? Ok(RefJson($"refs/{reference}", sha)) : Error(404, "Not Found");
        });

        repository.MapPost("/git/refs", async (HttpRequest request) =>
        {
            var body = await Read<NewRefBody>(request);
            lock (_gate)
            {
                if (!body.Ref.StartsWith("refs/", StringComparison.Ordinal) || body.Ref.Count(c => c == '/') < 2)
                    return Error(422, "Reference name must start with 'refs/' and have at least two slashes.");
                if (Git.ResolveRef(body.Ref) is not null)
                    return Error(422, "Reference already exists");
                if (Git.ObjectType(body.Sha) != "commit")
                    return Error(422, "Object does not exist");
                Git.Git("update-ref", body.Ref, body.Sha, "");
                return Ok(RefJson(body.Ref, body.Sha), 201);
            }
        });

        repository.MapPatch("/git/refs/{**reference}", async (string reference, HttpRequest request) =>
        {
            var body = await Read<RefUpdateBody>(request);
            var name = $"refs/{reference}";
            lock (_gate)
            {
                if (Git.ResolveRef(name) is not { } current)
                    return Error(422, "Reference does not exist");
                if (Git.ObjectType(body.Sha) != "commit")
                    return Error(422, "Object does not exist");
                if (!body.Force && !Git.IsAncestor(current, body.Sha))
                    return Error(422, "Update is not a fast forward");
                Git.Git("update-ref", name, body.Sha, current);
                return Ok(RefJson(name, body.Sha));
            }
        });

        repository.MapDelete("/git/refs/{**reference}", (string reference) =>
        {
            lock (_gate)
            {
                if (Git.ResolveRef($"refs/{reference}") is null)
                    return Error(422, "Reference does not exist");
                Git.Git("update-ref", "-d", $"refs/{reference}");
                return Results.NoContent();
            }
        });

        repository.MapPost("/git/blobs", async (HttpRequest request) =>
        {
            var body = await Read<BlobBody>(request);
            var bytes = body.Encoding == "base64" ? Convert.FromBase64String(body.Content) : Encoding.UTF8.GetBytes(body.Content);
            lock (_gate)
            {
                var sha = Git.WriteBlob(bytes);
                return Ok(new { Sha = sha, Url = $"{ApiUrl}/git/blobs/{sha}" }, 201);
            }
        });

        repository.MapPost("/git/trees", async (HttpRequest request) =>
        {
            var body = await Read<TreeBody>(request);
            lock (_gate)
            {
                if (body.BaseTree is not null && Git.ObjectType(body.BaseTree) != "tree")
                    return Invalid("Tree", "base_tree", "invalid");
                var changes = new Dictionary<string, GitTreeEntry?>(StringComparer.Ordinal);
                foreach (var item in body.Tree)
                {
                    var sha = item.Content is not null ? Git.WriteBlob(Encoding.UTF8.GetBytes(item.Content)) : item.Sha;
                    if (sha is not null && Git.ObjectType(sha) != item.Type)
                        return Invalid("Tree", "sha", "invalid");
                    changes[item.Path] = sha is null ? null : new GitTreeEntry(item.Mode, item.Type, sha);
                }
                var tree = Git.WriteTree(body.BaseTree, changes);
                return Ok(new { Sha = tree, Url = $"{ApiUrl}/git/trees/{tree}", Tree = TreeJson(tree), Truncated = false }, 201);
            }
        });

        repository.MapGet("/git/trees/{sha}", (string sha) =>
        {
            lock (_gate)
            {
                if (Git.ObjectType(sha) != "tree")
                    return Error(404, "Not Found");
                return Ok(new { Sha = sha, Url = $"{ApiUrl}/git/trees/{sha}", Tree = TreeJson(sha), Truncated = false });
            }
        });

        repository.MapGet("/git/commits/{sha}", (string sha) =>
        {
            lock (_gate)
                return Git.ObjectType(sha) == "commit" ? Ok(CommitJson(Git.ReadCommit(sha))) : Error(404, "Not Found");
        });

        repository.MapPost("/git/commits", async (HttpRequest request) =>
        {
            var body = await Read<CommitBody>(request);
            lock (_gate)
            {
                if (Git.ObjectType(body.Tree) != "tree")
                    return Invalid("Commit", "tree", "invalid");
                var parents = body.Parents ?? [];
                if (parents.Any(p => Git.ObjectType(p) != "commit"))
                    return Invalid("Commit", "parents", "invalid");
                var author = body.Author is null ? null : new GitSignature(body.Author.Name, body.Author.Email, body.Author.Date ?? DateTimeOffset.UtcNow);
                var sha = Git.WriteCommit(body.Tree, parents, body.Message, author);
                return Ok(CommitJson(Git.ReadCommit(sha)), 201);
            }
        });
    }

    private List<object> TreeJson(string tree) =>
        Git.ReadTree(tree).Select(e => (object)new { Path = e.Key, e.Value.Mode, e.Value.Type, e.Value.Sha, Url = $"{ApiUrl}/git/{e.Value.Type}s/{e.Value.Sha}" }).ToList();

    private object RefJson(string name, string sha) => new
    {
        Ref = name,
        NodeId = $"REF_{name}",
        Url = $"{ApiUrl}/git/{name}",
        Object = new { Type = "commit", Sha = sha, Url = $"{ApiUrl}/git/commits/{sha}" },
    };

    private object CommitJson(GitCommit commit) => new
    {
        commit.Sha,
        NodeId = $"C_{commit.Sha}",
        Url = $"{ApiUrl}/git/commits/{commit.Sha}",
        HtmlUrl = $"{WebUrl}/commit/{commit.Sha}",
        Author = SignatureJson(commit.Author),
        Committer = SignatureJson(commit.Committer),
        commit.Message,
        Tree = new { Sha = commit.Tree, Url = $"{ApiUrl}/git/trees/{commit.Tree}" },
        Parents = commit.Parents.Select(p => new { Sha = p, Url = $"{ApiUrl}/git/commits/{p}", HtmlUrl = $"{WebUrl}/commit/{p}" }),
        Verification = new { Verified = false, Reason = "unsigned", Signature = (string?)null, Payload = (string?)null },
    };

    private static object SignatureJson(GitSignature signature) => new { signature.Name, signature.Email, Date = Time(signature.Date) };
}
