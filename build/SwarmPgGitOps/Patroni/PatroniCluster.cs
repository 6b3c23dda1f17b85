using System.Globalization;
using System.Text.Json;

namespace SwarmPgGitOps.Patroni;

/// <summary>The cluster as Patroni sees it at one moment: every member it knows, the leader among them (if any).</summary>
public sealed record PatroniCluster(string Scope, IReadOnlyList<PatroniMember> Members)
{
    /// <summary>The members that hold the leader key: exactly one in a healthy cluster.</summary>
    public IReadOnlyList<PatroniMember> Leaders => Members.Where(m => m.IsLeader).ToList();

    public PatroniMember? Leader => Leaders.Count == 1 ? Leaders[0] : null;

    public PatroniMember? Find(string name) => Members.FirstOrDefault(m => m.Name == name);

    /// <summary>Reads `patronictl list --format json`: one object per member with the columns of its table.</summary>
    public static PatroniCluster FromListJson(string scope, string json)
    {
        using var document = JsonDocument.Parse(json);
        var members = document.RootElement.EnumerateArray().Select(row => new PatroniMember(
            Name: Text(row, "Member") ?? "",
            Host: Text(row, "Host") ?? "",
            Role: ParseRole(Text(row, "Role")),
            State: Text(row, "State") ?? "",
            Timeline: Number(row, "TL") is { } tl ? (int)tl : null,
            LagMegabytes: Number(row, "Lag in MB"),
            PendingRestart: Text(row, "Pending restart") is { Length: > 0 }))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .ToList();
        return new PatroniCluster(scope, members);
    }

    private static PatroniRole ParseRole(string? role) => role switch
    {
        "Leader" => PatroniRole.Leader,
        "Sync Standby" => PatroniRole.SyncStandby,
        "Quorum Standby" => PatroniRole.QuorumStandby,
        "Replica" => PatroniRole.Replica,
        "Standby Leader" => PatroniRole.StandbyLeader,
        _ => PatroniRole.Unknown,
    };

    private static string? Text(JsonElement row, string column) =>
        row.TryGetProperty(column, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    // Patroni prints a number, or text such as "unknown" when it cannot tell; text is not a number.
    private static long? Number(JsonElement row, string column) =>
        row.TryGetProperty(column, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n
        : Text(row, column) is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : null;
}
