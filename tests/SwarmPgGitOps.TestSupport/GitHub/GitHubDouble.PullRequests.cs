using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SwarmPgGitOps.TestSupport.GitHub;

/// <summary>A pull request as the double keeps it.</summary>
public sealed class DoublePullRequest
{
    public required int Number { get; init; }
    public required string Head { get; init; }
    public required string Base { get; init; }
    public required string Title { get; set; }
    public string? Body { get; set; }
    public string State { get; set; } = "open";
    public required string HeadSha { get; set; }
    public List<string> Labels { get; } = [];
    public List<string> Comments { get; } = [];
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? ClosedAt { get; set; }
}

public sealed record DoubleLabel(long Id, string Name, string Color, string? Description);

/// <summary>Pulls, labels and issue comments, kept in memory; heads and bases are checked against the bare repository.</summary>
public sealed partial class GitHubDouble
{
    private sealed record NewPullBody(string Title, string Head, string Base, string? Body);

    private sealed record PullUpdateBody(string? Title, string? Body, string? State);

    private sealed record LabelBody(string Name, string? Color, string? Description);

    private sealed record CommentBody(string Body);

    private void MapPullRequests(RouteGroupBuilder repository)
    {
        repository.MapGet("/pulls", (string? state, string? head, string? @base) =>
        {
            lock (_gate)
            {
                var matching = _pulls
                    .Where(p => (state ?? "open") == "all" || p.State == (state ?? "open"))
                    .Where(p => head is null || $"{Owner}:{p.Head}" == head || p.Head == head)
                    .Where(p => @base is null || p.Base == @base)
                    .OrderByDescending(p => p.Number);
                return Ok(matching.Select(PullJson).ToList());
            }
        });

        repository.MapPost("/pulls", async (HttpRequest request) =>
        {
            var body = await Read<NewPullBody>(request);
            var head = body.Head.Contains(':') ? body.Head[(body.Head.IndexOf(':') + 1)..] : body.Head;
            lock (_gate)
            {
                if (Git.ResolveRef($"refs/heads/{head}") is not { } headSha)
                    return Invalid("PullRequest", "head", "invalid");
                if (Git.ResolveRef($"refs/heads/{body.Base}") is not { } baseSha)
                    return Invalid("PullRequest", "base", "invalid");
                if (_pulls.Any(p => p.State == "open" && p.Head == head && p.Base == body.Base))
                    return Error(422, $"A pull request already exists for {Owner}:{head}.", "PullRequest", null, "custom");
                if (Git.CommitsBetween(baseSha, headSha) == 0)
                    return Error(422, $"No commits between {body.Base} and {head}", "PullRequest", null, "custom");
                var pull = new DoublePullRequest { Number = ++_lastIssueNumber, Head = head, Base = body.Base, Title = body.Title, Body = body.Body, HeadSha = headSha };
                _pulls.Add(pull);
                return Ok(PullJson(pull), 201);
            }
        });

        repository.MapPatch("/pulls/{number:int}", async (int number, HttpRequest request) =>
        {
            var body = await Read<PullUpdateBody>(request);
            lock (_gate)
            {
                if (_pulls.FirstOrDefault(p => p.Number == number) is not { } pull)
                    return Error(404, "Not Found");
                pull.Title = body.Title ?? pull.Title;
                pull.Body = body.Body ?? pull.Body;
                if (body.State is "open" or "closed" && body.State != pull.State)
                {
                    pull.HeadSha = Git.ResolveRef($"refs/heads/{pull.Head}") ?? pull.HeadSha;
                    pull.State = body.State;
                    pull.ClosedAt = body.State == "closed" ? DateTimeOffset.UtcNow : null;
                }
                pull.UpdatedAt = DateTimeOffset.UtcNow;
                return Ok(PullJson(pull));
            }
        });

        repository.MapGet("/labels", () =>
        {
            lock (_gate)
                return Ok(_labels.Select(LabelJson).ToList());
        });

        repository.MapPost("/labels", async (HttpRequest request) =>
        {
            var body = await Read<LabelBody>(request);
            lock (_gate)
            {
                if (_labels.Any(l => l.Name.Equals(body.Name, StringComparison.OrdinalIgnoreCase)))
                    return Invalid("Label", "name", "already_exists");
                var label = new DoubleLabel(NextId(), body.Name, body.Color ?? "ededed", body.Description);
                _labels.Add(label);
                return Ok(LabelJson(label), 201);
            }
        });

        // Octokit posts a bare JSON array; GitHub also takes { "labels": [...] }. Unknown labels are created, as GitHub does.
        repository.MapPost("/issues/{number:int}/labels", async (int number, HttpRequest request) =>
        {
            var body = await Read<JsonElement>(request);
            var names = (body.ValueKind == JsonValueKind.Array ? body : body.GetProperty("labels")).EnumerateArray().Select(e => e.GetString() ?? "").ToList();
            lock (_gate)
            {
                if (_pulls.FirstOrDefault(p => p.Number == number) is not { } pull)
                    return Error(404, "Not Found");
                foreach (var name in names.Where(n => !_labels.Any(l => l.Name == n)))
                    _labels.Add(new DoubleLabel(NextId(), name, "ededed", null));
                pull.Labels.AddRange(names.Where(n => !pull.Labels.Contains(n)));
                return Ok(pull.Labels.Select(n => LabelJson(_labels.First(l => l.Name == n))).ToList());
            }
        });

        repository.MapPost("/issues/{number:int}/comments", async (int number, HttpRequest request) =>
        {
            var body = await Read<CommentBody>(request);
            lock (_gate)
            {
                if (_pulls.FirstOrDefault(p => p.Number == number) is not { } pull)
                    return Error(404, "Not Found");
                pull.Comments.Add(body.Body);
                var id = NextId();
                return Ok(new
                {
                    Id = id,
                    NodeId = $"IC_{id}",
                    Url = $"{ApiUrl}/issues/comments/{id}",
                    HtmlUrl = $"{WebUrl}/pull/{number}#issuecomment-{id}",
                    IssueUrl = $"{ApiUrl}/issues/{number}",
                    body.Body,
                    User = UserJson("github-actions[bot]"),
                    AuthorAssociation = "NONE",
                    CreatedAt = Time(DateTimeOffset.UtcNow),
                    UpdatedAt = Time(DateTimeOffset.UtcNow),
                }, 201);
            }
        });
    }

    private object PullJson(DoublePullRequest pull) => new
    {
        Id = 1000 + pull.Number,
        NodeId = $"PR_{pull.Number}",
        pull.Number,
        pull.State,
        pull.Title,
        pull.Body,
        Url = $"{ApiUrl}/pulls/{pull.Number}",
        HtmlUrl = $"{WebUrl}/pull/{pull.Number}",
        IssueUrl = $"{ApiUrl}/issues/{pull.Number}",
        User = UserJson("github-actions[bot]"),
        Head = BranchJson(pull.Head, pull.State == "open" ? Git.ResolveRef($"refs/heads/{pull.Head}") ?? pull.HeadSha : pull.HeadSha),
        Base = BranchJson(pull.Base, Git.ResolveRef($"refs/heads/{pull.Base}") ?? ""),
        Labels = pull.Labels.Select(n => LabelJson(_labels.First(l => l.Name == n))).ToList(),
        CreatedAt = Time(pull.CreatedAt),
        UpdatedAt = Time(pull.UpdatedAt),
        ClosedAt = pull.ClosedAt is { } closed ? Time(closed) : null,
        MergedAt = (string?)null,
        Merged = false,
        Draft = false,
        Locked = false,
        Comments = pull.Comments.Count,
    };

    private object BranchJson(string branch, string sha) => new
    {
        Label = $"{Owner}:{branch}",
        Ref = branch,
        Sha = sha,
        User = UserJson(Owner),
        Repo = RepositoryJson(),
    };

    private object LabelJson(DoubleLabel label) => new
    {
        label.Id,
        NodeId = $"LA_{label.Id}",
        Url = $"{ApiUrl}/labels/{Uri.EscapeDataString(label.Name)}",
        label.Name,
        label.Color,
        label.Description,
        Default = false,
    };
}
