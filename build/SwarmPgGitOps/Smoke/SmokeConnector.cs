using Npgsql;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Smoke;

/// <summary>
/// Opens one connection per target as the superuser, retrying with bounded exponential backoff while the cluster
/// converges (refused, timed out, starting up), then giving up. Passwords go to Npgsql only, never to output.
/// </summary>
public sealed class SmokeConnector
{
    private readonly string _password;
    private readonly int _connectTimeoutSeconds;
    private readonly RetrySchedule _retry;

    public SmokeConnector(string superuserPassword, int connectTimeoutSeconds, SmokeRetry retry)
    {
        _password = superuserPassword;
        _connectTimeoutSeconds = connectTimeoutSeconds;
        _retry = new RetrySchedule(retry.MaxRetries, retry.FirstDelay, retry.MaxDelay);
    }

    public async Task<NpgsqlConnection> OpenAsync(SmokeTarget target, CancellationToken cancellation)
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
            ApplicationName = "swarm-pg-gitops smoke",
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

    /// <summary>Worth another attempt: the server is not up yet or the network is not there yet. Wrong passwords are not.</summary>
    public static bool IsTransient(Exception e) => TransientErrors.IsTransient(e);
}

/// <summary>How long to keep trying a connection: retries after the first attempt, with delays doubling from FirstDelay up to MaxDelay.</summary>
public sealed record SmokeRetry(int MaxRetries, TimeSpan FirstDelay, TimeSpan MaxDelay)
{
    public static SmokeRetry Default { get; } = new(5, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));
}
