namespace SwarmPgGitOps.Patroni;

public enum PatroniRole
{
    Leader,
    SyncStandby,
    QuorumStandby,
    Replica,
    StandbyLeader,
    Unknown,
}

/// <summary>One member as Patroni reports it (`patronictl list`, REST API `/cluster`): its role, its PostgreSQL state, timeline and lag.</summary>
/// <param name="LagMegabytes">Replay lag behind the leader; null on the leader or when Patroni does not know it.</param>
public sealed record PatroniMember(string Name, string Host, PatroniRole Role, string State, int? Timeline, long? LagMegabytes, bool PendingRestart)
{
    public bool IsLeader => Role is PatroniRole.Leader;

    /// <summary>A replica that receives WAL from the leader (Patroni says `streaming`), or the leader that is `running`.</summary>
    public bool IsHealthy => IsLeader ? State == "running" : State == "streaming";

    /// <summary>What a wait or an error says of the member: `pg2 sync standby streaming, lag 0 MB`.</summary>
    public string Summary => $"{Name} {RoleText} {State}" + (IsLeader ? "" : $", lag {(LagMegabytes is { } lag ? $"{lag} MB" : "unknown")}");

    private string RoleText => Role switch
    {
        PatroniRole.SyncStandby => "sync standby",
        PatroniRole.QuorumStandby => "quorum standby",
        PatroniRole.StandbyLeader => "standby leader",
        var role => role.ToString().ToLowerInvariant(),
    };
}
