using Octokit;

namespace SwarmPgGitOps.GitHub;

/// <summary>
/// Where and as whom the pipeline talks to GitHub, from the variables GitHub Actions sets: GITHUB_TOKEN, GITHUB_REPOSITORY
/// (owner/name) and GITHUB_API_URL (https://api.github.com unless on GitHub Enterprise Server).
/// </summary>
public sealed record GitHubSettings(string Token, string Owner, string Repository, Uri ApiUrl)
{
    public static readonly Uri DefaultApiUrl = new("https://api.github.com");

    public static GitHubSettings FromEnvironment() => FromVariables(Environment.GetEnvironmentVariable);

    /// <summary>Reads the settings through <paramref name="variable"/>; every missing or malformed variable is named in one error.</summary>
    public static GitHubSettings FromVariables(Func<string, string?> variable)
    {
        var problems = new List<string>();
        var token = variable("GITHUB_TOKEN");
        if (string.IsNullOrWhiteSpace(token))
            problems.Add("GITHUB_TOKEN is not set: drift pull requests need a token with contents: write, pull-requests: write and issues: write "
                + "(in GitHub Actions: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` and those `permissions:` on the job)");

        var repository = variable("GITHUB_REPOSITORY");
        var parts = repository?.Split('/') ?? [];
        if (string.IsNullOrWhiteSpace(repository))
            problems.Add("GITHUB_REPOSITORY is not set: set it to the repository as owner/name (GitHub Actions sets it)");
        else if (parts.Length != 2 || parts.Any(string.IsNullOrWhiteSpace))
            problems.Add($"GITHUB_REPOSITORY is '{repository}': it must be owner/name, e.g. acme/swarm-pg-gitops");

        var apiText = variable("GITHUB_API_URL");
        var apiUrl = DefaultApiUrl;
        if (!string.IsNullOrWhiteSpace(apiText)
            && (!Uri.TryCreate(apiText, UriKind.Absolute, out apiUrl!) || apiUrl.Scheme is not ("https" or "http")))
        {
            problems.Add($"GITHUB_API_URL is '{apiText}': it must be an http(s) address such as https://api.github.com or https://github.example.com/api/v3");
            apiUrl = DefaultApiUrl;
        }

        if (problems.Count > 0)
            throw new GitHubSettingsException(string.Join(Environment.NewLine, problems));
        return new GitHubSettings(token!.Trim(), parts[0], parts[1], apiUrl);
    }

    /// <summary>
    /// A client for <see cref="ApiUrl"/>. For any host but github.com Octokit uses the GitHub Enterprise form and calls
    /// &lt;host&gt;/api/v3/, which is also what GITHUB_API_URL says on GitHub Enterprise Server.
    /// </summary>
    public IGitHubClient CreateClient() =>
        new GitHubClient(new ProductHeaderValue("swarm-pg-gitops"), ApiUrl)
        {
            Credentials = new Credentials(Token, AuthenticationType.Bearer),
        };

    public override string ToString() => $"{Owner}/{Repository} at {ApiUrl}"; // never the token
}
