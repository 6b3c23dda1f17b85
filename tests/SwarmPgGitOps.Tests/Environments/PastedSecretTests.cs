using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Tests.Environments;

public class PastedSecretTests
{
    [Theory]
    [InlineData("Xk9mQ2vL8pR4tZ7wY1nB6cD")] // a generated password
    [InlineData("7f3a9c2e1b8d4f6a0e5c3b2a1f0e9d8c")] // openssl rand -hex 16
    [InlineData("dGhpcyBpcyBhIHRva2VuIGZvciB0ZXN0")] // base64
    [InlineData("ghp_1aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT1uV2wX")] // a token
    public void Generated_secrets_look_random(string value) => Assert.True(PastedSecret.RandomLooking(value));

    [Theory]
    [InlineData("unix:///run/swarm-pg-lab/node1/docker.sock")]
    [InlineData("swarm-pg/postgres:15-lab")]
    [InlineData("postgres:15.10-bookworm")]
    [InlineData("10.201.0.0/24")]
    [InlineData("PROD_PG_SUPERUSER_PASSWORD")]
    [InlineData("/etc/swarm-pg/replication_password")]
    [InlineData("pg-lab-with-a-long-stack-name")]
    [InlineData("replica-in-zone-b")]
    [InlineData("scram-sha-256")]
    public void Names_paths_and_addresses_do_not(string value) => Assert.False(PastedSecret.RandomLooking(value));

    [Theory]
    [InlineData("secrets.superuser_password.env")]
    [InlineData("access.rules[0].options.ldapbindpasswd")]
    [InlineData("postgres.settings.extra.api_key")]
    public void Values_under_a_password_like_key_are_never_shown(string path) =>
        Assert.Equal("(value not shown: it may be a secret)", PastedSecret.Quote(path, "x"));

    [Theory]
    [InlineData("postgres.settings.password_encryption", "md5")]
    [InlineData("stack", "pg-lab")]
    public void Other_values_are_quoted(string path, string value) => Assert.Equal($"'{value}'", PastedSecret.Quote(path, value));
}
