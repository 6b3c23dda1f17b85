using Npgsql;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Postgres;

/// <summary>
/// Opens one connection per target as the superuser, retrying with bounded exponential backoff while the cluster
/// converges (refused, timed out, starting up), then giving up. Passwords go to Npgsql only, never to output.
/// The purpose ("smoke", "drift") names the caller in pg_stat_activity: application_name "swarm-pg-gitops smoke".
/// </summary>
public sealed class PostgresConnector
{
    private readonly string _applicationName;
    private readonly string _password;
    private readonly int _connectTimeoutSeconds;
    private readonly RetrySchedule _retry;

    /// <summary>How long to keep trying a connection by default: 5 retries, waits doubling from 250 ms up to 2 s.</summary>
    public static RetrySchedule DefaultRetry { get; } = new(5, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));

    public PostgresConnector(string purpose, string superuserPassword, int connectTimeoutSeconds, RetrySchedule retry)
    {
        _applicationName = $"swarm-pg-gitops {purpose}";
        _password = superuserPassword;
        _connectTimeoutSeconds = connectTimeoutSeconds;
        _retry = retry;
    }

    public async Task<NpgsqlConnection> OpenAsync(PostgresTarget target, CancellationToken cancellation)
    {
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = target.Host,
            Port = target.Port,
            Username = "postgres",
            Password = _password,
            Database = "postgres",
            Timeout = _connectTimeoutSeconds,
            CommandTimeout = 30,
            Pooling = false,
            ApplicationName = _applicationName,
        }.ConnectionString;
        return await Waiter.System.RetryAsync(async token =>
        {
            var connection = new NpgsqlConnection(connectionString);
            try
            {
                await connection.OpenAsync(token);
                return connection;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }, _retry, cancellation);
    }
}
