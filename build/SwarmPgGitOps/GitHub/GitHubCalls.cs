using System.Net;
using Octokit;

namespace SwarmPgGitOps.GitHub;

/// <summary>Runs GitHub API calls and turns GitHub's refusals into <see cref="DriftPullRequestFailedException"/>s that say what to fix.</summary>
internal sealed class GitHubCalls(string owner, string repository)
{
    private string Repository => $"{owner}/{repository}";

    /// <param name="action">What the call does, as in "GitHub refused creating the drift branch".</param>
    public async Task<T> Run<T>(string action, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (Explain(action, e) is { } failure)
        {
            throw failure;
        }
    }

    public Task Run(string action, Func<Task> call) =>
        Run(action, async () =>
        {
            await call();
            return true;
        });

    private DriftPullRequestFailedException? Explain(string action, Exception error)
    {
        var message = error switch
        {
            RateLimitExceededException limit =>
                $"GitHub's API rate limit for this token is used up ({limit.Limit} requests per hour) while {action}; it resets at {limit.Reset.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC. "
                + "Run the pipeline again after that",
            SecondaryRateLimitExceededException or ApiException { StatusCode: (HttpStatusCode)429 } =>
                $"GitHub throttled the pipeline (secondary rate limit) while {action}{RetryAfter((ApiException)error)}. "
                + "Wait and run it again; do not run several drift jobs for the same repository at once",
            AuthorizationException =>
                $"GitHub rejected GITHUB_TOKEN (401 Unauthorized) while {action}: the token is wrong, expired or revoked. Set GITHUB_TOKEN to a valid token",
            ForbiddenException forbidden =>
                $"GitHub refused {action} in {Repository} (403 Forbidden: {forbidden.Message}): the token lacks contents: write / pull-requests: write / issues: write. "
                + "In GitHub Actions give the job `permissions: { contents: write, pull-requests: write, issues: write }` and allow GitHub Actions to create pull requests "
                + "(repository Settings > Actions > General)",
            NotFoundException =>
                $"GitHub answered 404 Not Found while {action}: check that GITHUB_REPOSITORY ({Repository}) and GITHUB_API_URL are right and that the token can see the repository "
                + "(GitHub answers 404, not 403, when a token may not read a private repository)",
            ApiValidationException invalid =>
                $"GitHub refused {action} in {Repository} (422: {Details(invalid)})",
            ApiException api =>
                $"GitHub answered {(int)api.StatusCode} while {action} in {Repository}: {api.Message}",
            HttpRequestException network =>
                $"cannot reach GitHub while {action}: {network.Message}. Check GITHUB_API_URL and the network",
            _ => null,
        };
        return message is null ? null : new DriftPullRequestFailedException(message);
    }

    private static string RetryAfter(ApiException error) =>
        error.HttpResponse?.Headers is { } headers
        && headers.FirstOrDefault(h => h.Key.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } seconds
            ? $"; GitHub asks to retry after {seconds} s"
            : "";

    private static string Details(ApiValidationException error)
    {
        var details = error.ApiError?.Errors?.Select(e => e.Message ?? $"{e.Field} {e.Code}").Where(m => !string.IsNullOrEmpty(m)) ?? [];
        return string.Join("; ", new[] { error.Message }.Concat(details));
    }
}
