using SwarmPgGitOps.Postgres;

namespace SwarmPgGitOps.Smoke;

/// <summary>The two ports HAProxy publishes on every node (endpoints): read-write to the leader, read-only to a replica.</summary>
public enum EndpointKind
{
    ReadWrite,
    ReadOnly,
}

/// <summary>
/// Judges where a connection through an endpoint landed: the read-write port on the leader (not in recovery, and the
/// member Patroni names leader when Patroni could be asked), the read-only port on a replica (in recovery).
/// </summary>
public static class EndpointChecks
{
    public static string Name(EndpointKind kind) => kind == EndpointKind.ReadWrite ? "endpoint read-write" : "endpoint read-only";

    /// <param name="leader">The member Patroni names leader; null when Patroni could not be asked.</param>
    public static SmokeCheck Evaluate(EndpointKind kind, string endpoint, string service, ServingMember served, string? leader)
    {
        var role = served.InRecovery ? "in recovery" : "not in recovery";
        var value = $"{served.Member} ({role})";
        if (kind == EndpointKind.ReadWrite)
        {
            var passed = !served.InRecovery && (leader is null || served.Member == leader);
            return SmokeCheck.When(passed, Name(kind), endpoint, value, leader is null ? "the leader, not in recovery" : $"{leader}, the leader, not in recovery",
                served.InRecovery
                    ? $"HAProxy sent the read-write port to a replica: its /primary check must pass on the leader only; see the haproxy service's log (docker service logs {service})"
                    : $"HAProxy sent the read-write port to {served.Member}, but Patroni names {leader} leader: two members accept writes, or HAProxy has not yet marked the old leader down (fall 2 × inter 1s)");
        }
        return SmokeCheck.When(served.InRecovery, Name(kind), endpoint, value, "a replica, in recovery",
            $"HAProxy sent the read-only port to the leader: its /replica check must fail on the leader; see the haproxy service's log (docker service logs {service})");
    }

    /// <summary>Nothing answered at the endpoint, or the connection broke before it could be read.</summary>
    public static SmokeCheck Unreachable(EndpointKind kind, string endpoint, string service, string problem) =>
        SmokeCheck.Fail(Name(kind), endpoint, problem, kind == EndpointKind.ReadWrite ? "the leader answers" : "a replica answers",
            kind == EndpointKind.ReadWrite
                ? $"HAProxy closes a connection when no member passes its /primary check: docker service ps {service}, and its log says which members it sees up"
                : $"HAProxy closes a connection when no replica passes its /replica check (running, lag under endpoints.max_replica_lag_bytes): docker service ps {service}, and its log");
}
