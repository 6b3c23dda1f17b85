using SwarmPgGitOps.Waiting;
using Npgsql;
using SwarmPgGitOps.Postgres;

namespace SwarmPgGitOps.Tests.Postgres;

public class PostgresConnectorTests
{
    [Fact]
    public void Connection_problems_while_the_cluster_converges_are_retried_and_wrong_passwords_are_not()
    {
        Assert.True(TransientErrors.IsTransient(new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111))));
        Assert.True(TransientErrors.IsTransient(new TimeoutException()));
        Assert.False(TransientErrors.IsTransient(new InvalidOperationException()));
    }
}
