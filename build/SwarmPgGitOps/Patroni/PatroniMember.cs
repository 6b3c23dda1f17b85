using System.Globalization;

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
/// <param name="LagBytes">Replay lag behind the leader in bytes; null on the leader or when Patroni does not know it.</param>
public sealed record PatroniMember(string Name, string Host, PatroniRole Role, string State, int? Timeline, long? LagBytes, bool PendingRestart)
{
    public bool IsLeader => Role is PatroniRole.Leader;

    /// <summary>A replica that receives WAL from the leader (Patroni says `streaming`), or the leader that is `running`.</summary>
    public bool IsHealthy => IsLeader ? State == "running" : State == "streaming";

    /// <summary>What a wait or an error says of the member: `pg2 sync standby streaming, lag 5,768 B`.</summary>
    public string Summary => $"{Name} {RoleText} {State}" + (IsLeader ? "" : $", lag {LagText}");

    /// <summary>The lag in bytes below a megabyte, else in megabytes: `5,768 B`, `3.2 MB`, `unknown`.</summary>
    public string LagText => LagBytes switch
    {
        null => "unknown",
        < Megabyte and var bytes => bytes.ToString("N0", CultureInfo.InvariantCulture) + " B",
        long bytes => (bytes / (double)Megabyte).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
    };

    private const long Megabyte = 1024 * 1024;

    private string RoleText => Role switch
    {
        PatroniRole.SyncStandby => "sync standby",
        PatroniRole.QuorumStandby => "quorum standby",
        PatroniRole.StandbyLeader => "standby leader",
        var role => role.ToString().ToLowerInvariant(),
    };
}
