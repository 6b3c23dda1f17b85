using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Octokit;
using SwarmPgGitOps.GitHub;

namespace SwarmPgGitOps.TestSupport.GitHub;

/// <summary>What the double answers to every authenticated request instead of serving it.</summary>
public enum GitHubFailure
{
    None,

    /// <summary>403 "Resource not accessible by integration", as for a token without the needed permissions.</summary>
    Forbidden,

    /// <summary>403 "API rate limit exceeded" with X-RateLimit-Remaining: 0.</summary>
    RateLimited,
}

/// <summary>
/// TEST DOUBLE of GitHub's REST API (GitHub itself cannot be reached from the test machines). An ASP.NET Core minimal-API
/// server on http://127.0.0.1:&lt;free port&gt;/api/v3/ (the GitHub Enterprise form Octokit uses for any host but github.com)
/// that answers exactly the calls <see cref="DriftPullRequests"/> makes through Octokit, shaped as GitHub answers them
/// (snake_case JSON). Git data lives in a real bare repository (<see cref="Git"/>) written with git's plumbing commands;
/// pull requests, labels and comments live in memory. Requests need `Authorization: Bearer &lt;Token&gt;` (else 401);
/// <see cref="Failure"/> makes every request fail as GitHub does for a token without permissions or past its rate limit.
/// Anything else is answered 404 and listed in <see cref="Unhandled"/>. See README.md next to this file.
/// </summary>
public sealed partial class GitHubDouble : IAsyncDisposable
{
    public const string Owner = "acme";
    public const string Name = "swarm-pg-gitops";
    public const string DefaultBranch = "main";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private static readonly DateTimeOffset Created = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _gate = new();
    private readonly List<DoublePullRequest> _pulls = [];
    private readonly List<DoubleLabel> _labels = [];
    private readonly List<string> _requests = [];
    private readonly List<string> _unhandled = [];
    private WebApplication? _app;
    private int _lastIssueNumber;
    private long _lastId = 100;

    private GitHubDouble(BareGitRepository git) => Git = git;

    public string Token { get; } = "ghs_double_" + Guid.NewGuid().ToString("N");

    /// <summary>The bare repository behind the Git Data API.</summary>
    public BareGitRepository Git { get; }

    /// <summary>http://127.0.0.1:&lt;port&gt;/; the API is under api/v3/.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public GitHubFailure Failure { get; set; }

    public IReadOnlyList<DoublePullRequest> PullRequests { get { lock (_gate) return [.. _pulls]; } }

    public IReadOnlyList<DoubleLabel> Labels { get { lock (_gate) return [.. _labels]; } }

    /// <summary>Every request as "METHOD /path?query", in order.</summary>
    public IReadOnlyList<string> Requests { get { lock (_gate) return [.. _requests]; } }

    /// <summary>Requests the double has no route for: a call the code makes that the double (and this list of endpoints) misses.</summary>
    public IReadOnlyList<string> Unhandled { get { lock (_gate) return [.. _unhandled]; } }

    public GitHubSettings Settings(string? token = null) => new(token ?? Token, Owner, Name, BaseAddress);

    public IGitHubClient Client(string? token = null) => Settings(token).CreateClient();

    /// <summary>Starts the double with a repository whose default branch holds <paramref name="files"/>, or the shipped environments/lab.yml.</summary>
    public static async Task<GitHubDouble> Start(IReadOnlyDictionary<string, string>? files = null)
    {
        var git = BareGitRepository.Create(DefaultBranch, files ?? new Dictionary<string, string> { ["environments/lab.yml"] = ShippedLabFile() });
        var github = new GitHubDouble(git);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        github.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        github.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        github._app = app;
        return github;
    }

    private static string ShippedLabFile() =>
        File.ReadAllText(ProjectLayout.Discover(AppContext.BaseDirectory).EnvironmentFile("lab"));

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            lock (_gate)
                _requests.Add($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            if (Refusal(context) is { } refusal)
            {
                await refusal.ExecuteAsync(context);
                return;
            }
            await next(context);
        });

        var repository = app.MapGroup("/api/v3/repos/{owner}/{repo}");
        repository.AddEndpointFilter(async (context, next) =>
            Equals(context.HttpContext.GetRouteValue("owner"), Owner) && Equals(context.HttpContext.GetRouteValue("repo"), Name)
                ? await next(context)
                : Error(404, "Not Found"));
        MapRepository(repository);
        MapGitData(repository);
        MapPullRequests(repository);

        app.MapFallback((HttpContext context) =>
        {
            lock (_gate)
                _unhandled.Add($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            return Error(404, "Not Found");
        });
    }

    private IResult? Refusal(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization != $"Bearer {Token}" && authorization != $"token {Token}")
            return Error(401, "Bad credentials");
        switch (Failure)
        {
            case GitHubFailure.Forbidden:
                return Error(403, "Resource not accessible by integration");
            case GitHubFailure.RateLimited:
                context.Response.Headers["X-RateLimit-Limit"] = "5000";
                context.Response.Headers["X-RateLimit-Remaining"] = "0";
                context.Response.Headers["X-RateLimit-Reset"] = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                return Error(403, "API rate limit exceeded for installation ID 1.");
            default:
                return null;
        }
    }

    private void MapRepository(RouteGroupBuilder repository) =>
        repository.MapGet("", () => Ok(RepositoryJson()));

    private string ApiUrl => $"{BaseAddress}api/v3/repos/{Owner}/{Name}";

    private string WebUrl => $"{BaseAddress}{Owner}/{Name}";

    private long NextId() => Interlocked.Increment(ref _lastId);

    private object RepositoryJson() => new
    {
        Id = 1,
        NodeId = "R_1",
        Name,
        FullName = $"{Owner}/{Name}",
        Owner = UserJson(Owner),
        Private = false,
        Visibility = "public",
        HtmlUrl = WebUrl,
        Url = ApiUrl,
        DefaultBranch,
        CreatedAt = Time(Created),
        UpdatedAt = Time(Created),
        PushedAt = Time(Created),
    };

    private object UserJson(string login) => new
    {
        Login = login,
        Id = 1,
        NodeId = "U_1",
        Type = login.EndsWith("[bot]", StringComparison.Ordinal) ? "Bot" : "User",
        SiteAdmin = false,
        HtmlUrl = $"{BaseAddress}{login}",
        Url = $"{BaseAddress}api/v3/users/{login}",
    };

    private static IResult Ok(object body, int status = 200) => Results.Json(body, Json, statusCode: status);

    private static IResult Error(int status, string message, string? resource = null, string? field = null, string? code = null) =>
        Results.Json(new
        {
            Message = message,
            DocumentationUrl = "https://docs.github.com/rest",
            Errors = code is null ? null : new[] { new { Resource = resource, Field = field, Code = code } },
        }, Json, statusCode: status);

    private static IResult Invalid(string resource, string field, string code) => Error(422, "Validation Failed", resource, field, code);

    /// <summary>Octokit sends JSON labelled application/x-www-form-urlencoded, so bodies are read by hand, not bound.</summary>
    private static async Task<T> Read<T>(HttpRequest request) =>
        await JsonSerializer.DeserializeAsync<T>(request.Body, Json) ?? throw new BadHttpRequestException("the request has no body");

    /// <summary>Times as GitHub writes them, which is also what Octokit's parser expects.</summary>
    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Git.Dispose();
    }
}
