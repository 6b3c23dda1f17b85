using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Npgsql;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Postgres;

/// <summary>
/// Opens one connection per target as the superuser (Deploy) or the checks' role (Smoke, Drift), retrying with bounded exponential backoff while the cluster
/// converges (refused, timed out, starting up), then giving up. Passwords go to Npgsql only, never to output.
/// The purpose ("smoke", "drift") names the caller in pg_stat_activity: application_name "swarm-pg-gitops smoke".
/// When the environment's PostgreSQL serves TLS (Rendering/PostgresTls) every connection is TLS and the server's
/// certificate is verified against the environment's CA and the host connected to (verify-full), and the certificates
/// seen are kept for Smoke's expiry check; a certificate that does not verify fails at once with one line saying why.
/// Where the environment's route is through the Docker endpoint (<see cref="PostgresRoute"/>), every connection goes
/// through an <see cref="EndpointTunnel"/>, opened at the first connection and closed with the connector.
/// </summary>
public sealed class PostgresConnector : IAsyncDisposable
{
    private readonly string _applicationName;
    private readonly string _user;
    private readonly string _password;
    private readonly int _connectTimeoutSeconds;
    private readonly RetrySchedule _retry;
    private readonly X509Certificate2Collection? _ca;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _certificateExpiry = new(StringComparer.Ordinal);
    private readonly Lazy<EndpointTunnel>? _tunnel;

    /// <summary>How long to keep trying a connection by default: 5 retries, waits doubling from 250 ms up to 2 s.</summary>
    public static RetrySchedule DefaultRetry { get; } = new(5, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));

    /// <param name="caPem">The CA the servers' certificates must chain to; null: TLS when the server offers it, unverified (the classic layout).</param>
    /// <param name="tunnel">Opens the tunnel every connection goes through; null: straight to the target.</param>
    /// <param name="user">The role to log in as, with <paramref name="password"/>: the superuser unless said otherwise.</param>
    public PostgresConnector(string purpose, string password, int connectTimeoutSeconds, RetrySchedule retry, string? caPem = null,
        Func<EndpointTunnel>? tunnel = null, string user = "postgres")
    {
        _user = user;
        _tunnel = tunnel is null ? null : new Lazy<EndpointTunnel>(tunnel);
        _applicationName = $"swarm-pg-gitops {purpose}";
        _password = password;
        _connectTimeoutSeconds = connectTimeoutSeconds;
        _retry = retry;
        _ca = caPem is null ? null : CertificateAuthorities.FromPem(caPem);
    }

    /// <summary>Deploy's connector for an environment: its superuser, its timeouts, its CA when its members serve TLS, and its route.</summary>
    public static PostgresConnector For(string purpose, EnvironmentDocument document, SecretValues secrets, Func<string, string?>? variable = null,
        RetrySchedule? retry = null) =>
        Create(purpose, document, "postgres", secrets.SuperuserPassword, secrets, variable, retry);

    /// <summary>The checks' connector (Smoke, Drift): as <see cref="For"/>, logged in as the checks' role where the environment has one (<see cref="MonitorRole"/>).</summary>
    public static PostgresConnector ForChecks(string purpose, EnvironmentDocument document, SecretValues secrets, Func<string, string?>? variable = null,
        RetrySchedule? retry = null) =>
        MonitorRole.PasswordFor(document.Spec, secrets) is { } password
            ? Create(purpose, document, MonitorRole.Name, password, secrets, variable, retry)
            : For(purpose, document, secrets, variable, retry);

    private static PostgresConnector Create(string purpose, EnvironmentDocument document, string user, string password, SecretValues secrets,
        Func<string, string?>? variable, RetrySchedule? retry)
    {
        var spec = document.Spec;
        return new(purpose, password, spec.Smoke.ConnectTimeoutSeconds, retry ?? DefaultRetry,
            Rendering.PostgresTls.IsOn(spec) ? secrets.PostgresTlsCa : null,
            PostgresRoute.IsThroughEndpoint(spec) ? () => EndpointTunnel.Open(document, variable ?? Environment.GetEnvironmentVariable) : null,
            user);
    }

    /// <summary>When the verified certificate each endpoint ("host:port") presented expires.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> CertificateExpiry => _certificateExpiry;

    public async Task<NpgsqlConnection> OpenAsync(PostgresTarget target, CancellationToken cancellation)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = target.Host,
            Port = target.Port,
            Username = _user,
            Password = _password,
            Database = "postgres",
            Timeout = _connectTimeoutSeconds,
            CommandTimeout = 30,
            Pooling = false,
            ApplicationName = _applicationName,
            // With a CA, TLS is required and verified in full by ServerCertificate (Npgsql leaves verification to a callback
            // that replaces its own, and accepts one only with Require).
            SslMode = _ca is null ? SslMode.Prefer : SslMode.Require,
        };
        return await Waiter.System.RetryAsync(async token =>
        {
            string? relayProblem = null;
            if (_tunnel is not null)
            {
                var local = await _tunnel.Value.OpenAsync(target.Host!, target.Port, said => relayProblem = said, token);
                builder.Host = local.Address.ToString();
                builder.Port = local.Port;
            }
            var connection = new NpgsqlConnection(builder.ConnectionString);
            string? rejected = null;
            if (_ca is { } ca)
                connection.SslClientAuthenticationOptionsCallback = options => options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    rejected = ServerCertificate.Problem(ca, target.Host!, certificate);
                    if (rejected is null && certificate is not null)
                        _certificateExpiry[target.Endpoint] = new X509Certificate2(certificate).NotAfter.ToUniversalTime();
                    return rejected is null;
                };
            try
            {
                await connection.OpenAsync(token);
                return connection;
            }
            catch (NpgsqlException) when (rejected is not null)
            {
                await connection.DisposeAsync();
                throw new ServerCertificateException($"{target.Endpoint}: {rejected}");
            }
            catch (NpgsqlException e) when (relayProblem is not null && e is not PostgresException)
            {
                await connection.DisposeAsync();
                throw new PostgresRouteException($"{target.Endpoint}, relayed by {_tunnel!.Value.Gateway}: {relayProblem}", transient: true);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }, _retry, cancellation);
    }

    /// <summary>One connection that owns this connector: the connector (and its tunnel) closes when the connection does.</summary>
    public async Task<NpgsqlConnection> OpenOnlyAsync(PostgresTarget target, CancellationToken cancellation)
    {
        try
        {
            var connection = await OpenAsync(target, cancellation);
            connection.StateChange += (_, change) =>
            {
                if (change.CurrentState == System.Data.ConnectionState.Closed)
                    _ = DisposeAsync().AsTask();
            };
            return connection;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_tunnel is { IsValueCreated: true })
            await _tunnel.Value.DisposeAsync();
    }
}
