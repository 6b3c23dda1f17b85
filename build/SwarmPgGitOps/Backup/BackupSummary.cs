using System.Globalization;
using System.Text;

namespace SwarmPgGitOps.Backup;

/// <summary>What a repository holds, as lines for the console and as Markdown for a job summary.</summary>
public static class BackupSummary
{
    public static string Text(StanzaInfo? info)
    {
        if (info is null)
            return "the repository did not say what it holds";
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"stanza {info.Name}: {info.StatusMessage}; WAL archived {info.ArchiveMin ?? "-"} .. {info.ArchiveMax ?? "-"}\n");
        foreach (var backup in info.Backups)
            text.Append(CultureInfo.InvariantCulture, $"  {backup.Label,-28} {backup.Type,-5} {backup.Stopped:yyyy-MM-dd HH:mm:ss}Z  {Size(backup.DatabaseBytes),10} (stored {Size(backup.RepositoryBytes)}) in {backup.Duration.TotalSeconds:0} s\n");
        return text.ToString().TrimEnd('\n');
    }

    public static string Markdown(string environment, StanzaInfo? info)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"### Backups of {environment}\n\n");
        if (info is null)
            return text.Append("The repository did not say what it holds.\n\n").ToString();
        text.Append(CultureInfo.InvariantCulture, $"Stanza `{info.Name}`: {info.StatusMessage}; WAL archived `{info.ArchiveMin ?? "-"}` .. `{info.ArchiveMax ?? "-"}`.\n\n");
        text.Append("| backup | type | finished (UTC) | database | stored | took |\n|---|---|---|---|---|---|\n");
        foreach (var backup in info.Backups)
            text.Append(CultureInfo.InvariantCulture, $"| `{backup.Label}` | {backup.Type} | {backup.Stopped:yyyy-MM-dd HH:mm:ss} | {Size(backup.DatabaseBytes)} | {Size(backup.RepositoryBytes)} | {backup.Duration.TotalSeconds:0} s |\n");
        return text.Append('\n').ToString();
    }

    private static string Size(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.00} GiB" : bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):0.0} MiB" : $"{bytes / 1024.0:0} KiB";
}
