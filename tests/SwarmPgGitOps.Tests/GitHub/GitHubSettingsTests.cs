using Octokit;
using SwarmPgGitOps.GitHub;

namespace SwarmPgGitOps.Tests.GitHub;

public class GitHubSettingsTests
{
    private static GitHubSettings Read(params (string Name, string Value)[] variables) =>
        GitHubSettings.FromVariables(name => variables.FirstOrDefault(v => v.Name == name).Value);

    [Fact]
    public void Missing_token_is_a_clear_error()
    {
        var error = Assert.Throws<GitHubSettingsException>(() => Read(("GITHUB_REPOSITORY", "acme/app")));

        Assert.StartsWith("GITHUB_TOKEN is not set: drift pull requests need a token with contents: write, pull-requests: write and issues: write", error.Message);
    }

    [Fact]
    public void Every_missing_or_malformed_variable_is_named_at_once()
    {
        var error = Assert.Throws<GitHubSettingsException>(() => Read(("GITHUB_REPOSITORY", "app"), ("GITHUB_API_URL", "ftp://x")));

        Assert.Contains("GITHUB_TOKEN is not set", error.Message);
        Assert.Contains("GITHUB_REPOSITORY is 'app': it must be owner/name", error.Message);
        Assert.Contains("GITHUB_API_URL is 'ftp://x'", error.Message);
    }

    [Fact]
    public void Api_address_defaults_to_github_com()
    {
        var settings = Read(("GITHUB_TOKEN", "t"), ("GITHUB_REPOSITORY", "acme/app"));

        Assert.Equal(("t", "acme", "app", new Uri("https://api.github.com")), (settings.Token, settings.Owner, settings.Repository, settings.ApiUrl));
        Assert.Equal(new Uri("https://api.github.com/"), settings.CreateClient().Connection.BaseAddress);
    }

    [Fact]
    public void Enterprise_address_uses_octokits_api_v3_form_and_the_token_stays_out_of_messages()
    {
        var settings = Read(("GITHUB_TOKEN", "secret-token"), ("GITHUB_REPOSITORY", "acme/app"), ("GITHUB_API_URL", "https://github.example.com/api/v3"));

        var client = settings.CreateClient();

        Assert.Equal(new Uri("https://github.example.com/api/v3/"), client.Connection.BaseAddress);
        Assert.Equal(AuthenticationType.Bearer, client.Connection.Credentials.AuthenticationType);
        Assert.DoesNotContain("secret-token", settings.ToString());
    }

    [Fact]
    public void FromEnvironment_reads_the_process_environment()
    {
        var saved = Environment.GetEnvironmentVariable("GITHUB_TOKEN");
        try
        {
            Environment.SetEnvironmentVariable("GITHUB_TOKEN", null);
            var error = Assert.Throws<GitHubSettingsException>(GitHubSettings.FromEnvironment);
            Assert.Contains("GITHUB_TOKEN is not set", error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GITHUB_TOKEN", saved);
        }
    }
}
