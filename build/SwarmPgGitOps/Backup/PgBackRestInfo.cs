using System.Text.Json;

namespace SwarmPgGitOps.Backup;

/// <summary>One backup as `pgbackrest info --output=json` lists it.</summary>
public sealed record BackupEntry(string Label, string Type, DateTimeOffset Started, DateTimeOffset Stopped, long DatabaseBytes, long RepositoryBytes, string? WalStart, string? WalStop)
{
    public TimeSpan Duration => Stopped - Started;
}

/// <summary>A stanza as `pgbackrest info --output=json` describes it: its status, its backups (oldest first) and the WAL archived.</summary>
public sealed record StanzaInfo(string Name, int StatusCode, string StatusMessage, IReadOnlyList<BackupEntry> Backups, string? ArchiveMin, string? ArchiveMax)
{
    public BackupEntry? Newest => Backups.Count > 0 ? Backups[^1] : null;

    /// <summary>Reads the stanza named <paramref name="stanza"/> from info's JSON; null when the output holds none.</summary>
    public static StanzaInfo? Parse(string json, string stanza)
    {
        using var document = JsonDocument.Parse(json);
        foreach (var element in document.RootElement.EnumerateArray())
        {
            if (element.GetProperty("name").GetString() != stanza)
                continue;
            var status = element.GetProperty("status");
            var backups = element.TryGetProperty("backup", out var list)
                ? list.EnumerateArray().Select(Entry).OrderBy(b => b.Stopped).ToList()
                : [];
            var archives = element.TryGetProperty("archive", out var archive) ? archive.EnumerateArray().ToList() : [];
            return new StanzaInfo(stanza, status.GetProperty("code").GetInt32(), status.GetProperty("message").GetString() ?? "", backups,
                archives.Select(a => Text(a, "min")).FirstOrDefault(m => m is not null), archives.Select(a => Text(a, "max")).LastOrDefault(m => m is not null));
        }
        return null;
    }

    private static BackupEntry Entry(JsonElement backup)
    {
        var timestamp = backup.GetProperty("timestamp");
        var info = backup.GetProperty("info");
        var archive = backup.TryGetProperty("archive", out var a) ? a : default;
        return new BackupEntry(
            backup.GetProperty("label").GetString() ?? "",
            backup.GetProperty("type").GetString() ?? "",
            DateTimeOffset.FromUnixTimeSeconds(timestamp.GetProperty("start").GetInt64()),
            DateTimeOffset.FromUnixTimeSeconds(timestamp.GetProperty("stop").GetInt64()),
            info.GetProperty("size").GetInt64(),
            info.GetProperty("repository").GetProperty("delta").GetInt64(),
            archive.ValueKind == JsonValueKind.Object ? Text(archive, "start") : null,
            archive.ValueKind == JsonValueKind.Object ? Text(archive, "stop") : null);
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
