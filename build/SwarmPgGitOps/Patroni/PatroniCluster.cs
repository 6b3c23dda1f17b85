using System.Text.Json;

namespace SwarmPgGitOps.Patroni;

/// <summary>The cluster as Patroni sees it at one moment: every member it knows, the leader among them (if any).</summary>
public sealed record PatroniCluster(string Scope, IReadOnlyList<PatroniMember> Members)
{
    /// <summary>The members that hold the leader key: exactly one in a healthy cluster.</summary>
    public IReadOnlyList<PatroniMember> Leaders => Members.Where(m => m.IsLeader).ToList();

    public PatroniMember? Leader => Leaders.Count == 1 ? Leaders[0] : null;

    public PatroniMember? Find(string name) => Members.FirstOrDefault(m => m.Name == name);

    /// <summary>
    /// Reads Patroni's REST API `/cluster` (what `patronictl list` prints, from the same function): one object per member,
    /// its lag in bytes, or "unknown" when Patroni cannot tell.
    /// </summary>
    public static PatroniCluster FromClusterJson(string scope, JsonElement cluster)
    {
        List<JsonElement> rows = cluster.TryGetProperty("members", out var list) && list.ValueKind == JsonValueKind.Array ? [.. list.EnumerateArray()] : [];
        var members = rows.Select(member => new PatroniMember(
                Name: Text(member, "name") ?? "",
                Host: Text(member, "host") ?? "",
                Role: ParseRole(Text(member, "role")),
                State: Text(member, "state") ?? "",
                Timeline: Number(member, "timeline") is { } timeline ? (int)timeline : null,
                LagBytes: Number(member, "lag") is { } bytes ? (long)bytes : null,
                PendingRestart: member.TryGetProperty("pending_restart", out var pending) && pending.ValueKind == JsonValueKind.True))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .ToList();
        return new PatroniCluster(scope, members);
    }

    private static PatroniRole ParseRole(string? role) => role switch
    {
        "leader" => PatroniRole.Leader,
        "sync_standby" => PatroniRole.SyncStandby,
        "quorum_standby" => PatroniRole.QuorumStandby,
        "replica" => PatroniRole.Replica,
        "standby_leader" => PatroniRole.StandbyLeader,
        _ => PatroniRole.Unknown,
    };

    private static string? Text(JsonElement row, string column) =>
        row.TryGetProperty(column, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    // Patroni gives a number, or text such as "unknown" when it cannot tell; text is not a number.
    private static long? Number(JsonElement row, string column) =>
        row.TryGetProperty(column, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;
}
