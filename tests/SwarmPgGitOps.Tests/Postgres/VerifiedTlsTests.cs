using Npgsql;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Tests.BadInput;

namespace SwarmPgGitOps.Tests.Postgres;

/// <summary>
/// The pipeline's connections to a member that serves TLS, against a real PostgreSQL 15 (a throwaway server on this
/// machine) with a certificate made like the lab's and a hostssl-only pg_hba.conf: verified TLS gets in, a plain-text
/// connection is refused by the server, and a certificate from another CA or for another host fails at once, in one line.
/// </summary>
public sealed class VerifiedTlsTests(VerifiedTlsTests.Server server) : IClassFixture<VerifiedTlsTests.Server>
{
    public sealed class Server : IAsyncLifetime
    {
        public TlsFiles Tls { get; } = TlsGenerator.Generate(TlsGenerator.PostgresServerName, ["pg1", "127.0.0.1"]);
        public PostgresServer Instance { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Instance = await PostgresServer.StartAsync(tls: Tls);
            await Instance.ReloadHbaAsync(["local all postgres trust", "hostssl all postgres 127.0.0.1/32 trust"]);
        }

        public async Task DisposeAsync() => await Instance.DisposeAsync();
    }

    private PostgresTarget At(string host) => new("pg1", "test_pg1", host, server.Instance.Port, "test");

    private static PostgresConnector Connector(string caPem) =>
        new("test", "unused: the rule trusts", 10, new SwarmPgGitOps.Waiting.RetrySchedule(1, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)), caPem);

    [Fact]
    public async Task A_connection_verified_against_the_environments_ca_is_tls_and_its_certificate_expiry_is_kept()
    {
        var connector = Connector(server.Tls.Ca);

        await using var connection = await connector.OpenAsync(At("127.0.0.1"), CancellationToken.None);

        await using var command = new NpgsqlCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection);
        Assert.True((bool)(await command.ExecuteScalarAsync())!);
        var expiry = Assert.Single(connector.CertificateExpiry);
        Assert.Equal($"127.0.0.1:{server.Instance.Port}", expiry.Key);
        Assert.InRange(expiry.Value, DateTimeOffset.UtcNow.AddDays(800), DateTimeOffset.UtcNow.AddDays(830));
    }

    [Fact]
    public async Task A_plain_text_connection_is_refused_by_the_server()
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = server.Instance.Port, Username = "postgres", Database = "postgres", Pooling = false, SslMode = SslMode.Disable,
        }.ConnectionString);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());

        Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, refused.SqlState);
        Assert.Contains("no encryption", refused.MessageText);
    }

    [Fact]
    public async Task A_certificate_from_another_ca_fails_in_one_line_naming_the_ca()
    {
        var otherCa = TlsGenerator.Generate(TlsGenerator.PostgresServerName, ["127.0.0.1"]).Ca;

        var failed = await Assert.ThrowsAsync<ServerCertificateException>(() => Connector(otherCa).OpenAsync(At("127.0.0.1"), CancellationToken.None));

        Assert.Equal($"127.0.0.1:{server.Instance.Port}: its TLS certificate (CN=swarm-pg-postgres, issued by CN=swarm-pg-postgres CA) is not signed by the environment's CA (CN=swarm-pg-postgres CA, secrets.postgres_tls_ca)",
            failed.Message);
        Assert.False(failed.IsTransient);
    }

    [Fact]
    public async Task A_certificate_that_does_not_name_the_host_fails_in_one_line_listing_the_names_it_has()
    {
        var failed = await Assert.ThrowsAsync<ServerCertificateException>(() => Connector(server.Tls.Ca).OpenAsync(At("localhost"), CancellationToken.None));

        Assert.Equal($"localhost:{server.Instance.Port}: its TLS certificate (CN=swarm-pg-postgres) does not name localhost; it names pg1, 127.0.0.1", failed.Message);
    }
}
