using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Environments;

public class SecretResolverTests
{
    [Fact]
    public void Generated_passwords_are_kept_private_and_reused()
    {
        var layout = Repo.Scratch();
        var document = SwarmPgGitOps.Environments.EnvironmentLoader.Load(layout, "lab").Unwrap();

        var first = new SecretResolver(layout).Resolve(document).Unwrap();
        var second = new SecretResolver(layout).Resolve(document).Unwrap();

        Assert.Equal(first.SuperuserPassword, second.SuperuserPassword);
        Assert.NotEqual(first.SuperuserPassword, first.ReplicationPassword);
        Assert.True(first.SuperuserPassword.Length >= 32);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(layout.SecretsDirectory, "lab.json")));
        Assert.DoesNotContain(first.SuperuserPassword, first.ToString());
    }

    [Fact]
    public void Passwords_come_from_the_named_variables()
    {
        var document = Repo.Load(Repo.EnvironmentText("prod"), "prod");
        var variables = new Dictionary<string, string>
        {
            ["PROD_PG_SUPERUSER_PASSWORD"] = "s3cret-a", ["PROD_PG_REPLICATION_PASSWORD"] = "s3cret-b", ["PROD_PATRONI_REST_API_PASSWORD"] = "s3cret-c",
        };

        var values = new SecretResolver(Repo.Layout, v => variables.GetValueOrDefault(v)).Resolve(document).Unwrap();

        Assert.Equal("s3cret-a", values.SuperuserPassword);
        Assert.Equal("s3cret-b", values.ReplicationPassword);
        Assert.Equal("s3cret-c", values.RestApiPassword);
    }

    [Fact]
    public void A_missing_variable_names_the_variable_and_not_a_value()
    {
        var text = Repo.EnvironmentText("prod");
        var document = Repo.Load(text, "prod");

        var errors = new SecretResolver(Repo.Layout, _ => null).Resolve(document).Diagnostics;

        Assert.Equal(3, errors.Count);
        Assert.Equal("secrets.superuser_password: environment variable PROD_PG_SUPERUSER_PASSWORD is not set", errors[0].Message);
        Assert.Equal(Repo.Position(text, "PROD_PG_SUPERUSER_PASSWORD").Line, errors[0].Line);
        Assert.Equal("set PROD_PG_SUPERUSER_PASSWORD (in CI: a secret of the 'prod' environment)", errors[0].Hint);
    }
}
