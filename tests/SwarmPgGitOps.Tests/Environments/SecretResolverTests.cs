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
        var variables = ProdVariables();

        var values = new SecretResolver(Repo.Layout, v => variables.GetValueOrDefault(v)).Resolve(document).Unwrap();

        Assert.Equal("s3cret-a", values.SuperuserPassword);
        Assert.Equal("s3cret-b", values.ReplicationPassword);
        Assert.Equal("s3cret-c", values.RestApiPassword);
        Assert.Equal("s3cret-d", values.MonitorPassword);
        Assert.Equal(new[] { "PROD_BACKUP_TLS_CA", "PROD_BACKUP_TLS_CERT", "PROD_BACKUP_TLS_KEY" }.Select(v => variables[v]), SecretValues.BackupTlsKeys.Select(values.For));
        Assert.Equal(new[] { "PROD_POSTGRES_TLS_CA", "PROD_POSTGRES_TLS_CERT", "PROD_POSTGRES_TLS_KEY" }.Select(v => variables[v]), SecretValues.PostgresTlsKeys.Select(values.For));
    }

    [Fact]
    public void A_certificate_that_is_not_PEM_or_a_key_that_is_not_its_own_is_an_error_at_its_key()
    {
        var document = Repo.Load(Repo.EnvironmentText("prod"), "prod");
        var variables = ProdVariables();
        variables["PROD_POSTGRES_TLS_CA"] = "not a certificate";
        variables["PROD_BACKUP_TLS_KEY"] = TlsGenerator.Generate("other", ["pg1"]).Key;

        var errors = new SecretResolver(Repo.Layout, v => variables.GetValueOrDefault(v)).Resolve(document).Diagnostics.Select(d => d.ToString()).ToList();

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("environments/prod.yml:", StringComparison.Ordinal) && e.Contains(": secrets.postgres_tls_ca is not a PEM certificate (or several): ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(": secrets.backup_tls_cert and secrets.backup_tls_key are not a PEM certificate and its private key: ", StringComparison.Ordinal));
    }

    private static Dictionary<string, string> ProdVariables()
    {
        var backup = TlsGenerator.Generate(TlsGenerator.BackupClientName, ["backup", "pg1"]);
        var postgres = TlsGenerator.Generate(TlsGenerator.PostgresServerName, ["pg1"]);
        return new()
        {
            ["PROD_PG_SUPERUSER_PASSWORD"] = "s3cret-a", ["PROD_PG_REPLICATION_PASSWORD"] = "s3cret-b", ["PROD_PATRONI_REST_API_PASSWORD"] = "s3cret-c", ["PROD_PG_MONITOR_PASSWORD"] = "s3cret-d",
            ["PROD_BACKUP_TLS_CA"] = backup.Ca, ["PROD_BACKUP_TLS_CERT"] = backup.Certificate, ["PROD_BACKUP_TLS_KEY"] = backup.Key,
            ["PROD_POSTGRES_TLS_CA"] = postgres.Ca, ["PROD_POSTGRES_TLS_CERT"] = postgres.Certificate, ["PROD_POSTGRES_TLS_KEY"] = postgres.Key,
        };
    }

    [Fact]
    public void Generated_postgres_certificates_name_every_member_address_and_endpoint_host_and_chain_to_their_own_ca()
    {
        using var project = new BadInput.ScratchProject();
        var document = Repo.Load(Repo.EnvironmentText("lab"), "lab");
        var resolver = new SecretResolver(project.Layout);

        var first = resolver.Resolve(document).Unwrap();
        var again = resolver.Resolve(document).Unwrap();

        Assert.Equal(first.For(SecretValues.PostgresTlsCertKey), again.For(SecretValues.PostgresTlsCertKey));
        Assert.NotEqual(first.For(SecretValues.BackupTlsCaKey), first.PostgresTlsCa);
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            first.For(SecretValues.PostgresTlsCertKey), first.For(SecretValues.PostgresTlsKeyKey));
        var ca = SwarmPgGitOps.Postgres.CertificateAuthorities.FromPem(first.PostgresTlsCa!);
        var names = certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["pg1", "pg2", "pg3", "localhost"], names.EnumerateDnsNames());
        Assert.Equal(["192.168.77.11", "192.168.77.12", "192.168.77.13"], names.EnumerateIPAddresses().Select(a => a.ToString()));
        foreach (var host in new[] { "pg2", "192.168.77.13" })
            Assert.Null(SwarmPgGitOps.Postgres.ServerCertificate.Problem(ca, host, certificate));
    }

    [Fact]
    public void Generated_backup_certificates_name_the_repository_and_every_member_and_are_kept()
    {
        using var project = new BadInput.ScratchProject();
        var document = Repo.Load(Repo.EnvironmentText("lab"), "lab");
        var resolver = new SecretResolver(project.Layout);

        var first = resolver.Resolve(document).Unwrap();
        var again = resolver.Resolve(document).Unwrap();

        Assert.Equal(first.For(SecretValues.BackupTlsCertKey), again.For(SecretValues.BackupTlsCertKey));
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            first.For(SecretValues.BackupTlsCertKey), first.For(SecretValues.BackupTlsKeyKey));
        using var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(first.For(SecretValues.BackupTlsCaKey));
        var names = certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames();
        Assert.Equal(["pgbackrest", "pg1", "pg2", "pg3"], names);
        Assert.Equal("CN=swarm-pg-backup", certificate.Subject);
        Assert.Equal(ca.Subject, certificate.Issuer);
        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
        Assert.True(chain.Build(certificate), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.DoesNotContain("PRIVATE KEY", first.ToString());
    }

    [Fact]
    public void A_missing_variable_names_the_variable_and_not_a_value()
    {
        var text = Repo.EnvironmentText("prod");
        var document = Repo.Load(text, "prod");

        var errors = new SecretResolver(Repo.Layout, _ => null).Resolve(document).Diagnostics;

        Assert.Equal(10, errors.Count);
        Assert.Equal("secrets.superuser_password: environment variable PROD_PG_SUPERUSER_PASSWORD is not set", errors[0].Message);
        Assert.Equal(Repo.Position(text, "PROD_PG_SUPERUSER_PASSWORD").Line, errors[0].Line);
        Assert.Equal("set PROD_PG_SUPERUSER_PASSWORD (in CI: a secret of the 'prod' environment)", errors[0].Hint);
    }
}
