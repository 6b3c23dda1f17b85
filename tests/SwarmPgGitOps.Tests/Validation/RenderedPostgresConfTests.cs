using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Tests.Validation;

public class RenderedPostgresConfTests
{
    [Theory]
    [InlineData("ssl = 'on'\n", true)]
    [InlineData("ssl = on\n", true)]
    [InlineData("ssl on\n", true)]
    [InlineData("SSL = 'true'\n", true)]
    [InlineData("ssl = 'y'  # comment\n", true)]
    [InlineData("ssl = 'off'\n", false)]
    [InlineData("ssl = 'of'\n", false)]
    [InlineData("#ssl = 'on'\n", false)]
    [InlineData("ssl_cert_file = 'on'\n", false)]
    [InlineData("ssl = 'on'\nssl = 'off'\n", false)] // the last one wins
    [InlineData("listen_addresses = '*'\n", false)] // PostgreSQL's default
    public void Ssl_is_on_only_when_the_file_turns_it_on(string text, bool enabled)
    {
        Assert.Equal(enabled, RenderedPostgresConf.SslEnabled(text));
    }

    [Fact]
    public void Quoted_values_keep_doubled_quotes_as_one()
    {
        Assert.Equal("it's", RenderedPostgresConf.Value("application_name = 'it''s'\n", "application_name"));
    }
}
