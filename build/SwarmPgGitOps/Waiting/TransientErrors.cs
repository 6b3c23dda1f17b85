using System.Net.Sockets;
using Docker.DotNet;
using Npgsql;

namespace SwarmPgGitOps.Waiting;

/// <summary>
/// The one list of errors worth another attempt: the network or a server that is not there yet, a manager that is
/// briefly without a leader, a service changed by Swarm since it was read, a Patroni leader that could not confirm a
/// switchover candidate just then. Wrong passwords, refused requests and the caller's own cancellation are not.
/// </summary>
public static class TransientErrors
{
    public static bool IsTransient(Exception error) => error switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections,
        NpgsqlException npgsql => npgsql.IsTransient,
        DockerApiException docker => (int)docker.StatusCode >= 502 || IsOutOfSequence(docker) || IsRaftUnavailable(docker),
        OperationCanceledException canceled => canceled.InnerException is TimeoutException,
        SocketException or TimeoutException or IOException or HttpRequestException => true,
        Patroni.PatroniUnavailableException patroni => patroni.CandidateNotConfirmed,
        _ => false,
    };

    /// <summary>Swarm refused an update sent against a version it has moved past (its own rollback, a task restart).</summary>
    public static bool IsOutOfSequence(DockerApiException error) => error.ResponseBody?.Contains("out of sequence", StringComparison.Ordinal) == true;

    /// <summary>
    /// A manager that timed out asking the raft leader, or has none (a manager just lost, an election under way): answered
    /// as 500 (seen in CI when the leader's node engine was stopped).
    /// </summary>
    private static bool IsRaftUnavailable(DockerApiException error) => error.ResponseBody is { } body
        && (body.Contains("code = DeadlineExceeded", StringComparison.Ordinal) || body.Contains("The swarm does not have a leader", StringComparison.Ordinal));
}
