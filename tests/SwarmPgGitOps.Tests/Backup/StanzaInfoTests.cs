using SwarmPgGitOps.Backup;

namespace SwarmPgGitOps.Tests.Backup;

/// <summary>`pgbackrest info --output=json` as pgBackRest 2.55.1 printed it on the lab (one full backup, one incremental).</summary>
public class StanzaInfoTests
{
    public const string Json = """
        [{"archive":[{"database":{"id":1,"repo-key":1},"id":"17-1","max":"00000002000000000000001A","min":"000000010000000000000001"}],
          "backup":[
            {"archive":{"start":"000000010000000000000006","stop":"000000010000000000000006"},"backrest":{"format":5,"version":"2.55.1"},
             "database":{"id":1,"repo-key":1},"error":false,"info":{"delta":23507044,"repository":{"delta":3042503,"size":3042503},"size":23507044},
             "label":"20261201-062953F","lsn":{"start":"0/6000028","stop":"0/6000120"},"prior":null,"reference":null,
             "timestamp":{"start":1796106593,"stop":1796106597},"type":"full"},
            {"archive":{"start":"00000001000000000000000D","stop":"00000001000000000000000E"},"backrest":{"format":5,"version":"2.55.1"},
             "database":{"id":1,"repo-key":1},"error":false,"info":{"delta":1335554,"repository":{"delta":171159,"size":3056651},"size":23605348},
             "label":"20261201-062953F_20261201-063932I","lsn":{"start":"0/D000028","stop":"0/E000050"},"prior":"20261201-062953F",
             "reference":["20261201-062953F"],"timestamp":{"start":1796107172,"stop":1796107174},"type":"incr"}],
          "cipher":"none","db":[{"id":1,"repo-key":1,"system-id":7714218979107872825,"version":"17"}],"name":"pg-lab",
          "repo":[{"cipher":"none","key":1,"status":{"code":0,"message":"ok"}}],"status":{"code":0,"lock":{"backup":{"held":false}},"message":"ok"}}]
        """;

    [Fact]
    public void Info_reads_the_backups_oldest_first_with_their_sizes_times_and_the_archived_wal()
    {
        var info = StanzaInfo.Parse(Json, "pg-lab")!;

        Assert.Equal((0, "ok"), (info.StatusCode, info.StatusMessage));
        Assert.Equal(["20261201-062953F", "20261201-062953F_20261201-063932I"], info.Backups.Select(b => b.Label));
        var newest = info.Newest!;
        Assert.Equal("incr", newest.Type);
        Assert.Equal((23605348L, 171159L), (newest.DatabaseBytes, newest.RepositoryBytes));
        Assert.Equal(TimeSpan.FromSeconds(2), newest.Duration);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1796107174), newest.Stopped);
        Assert.Equal(("000000010000000000000001", "00000002000000000000001A"), (info.ArchiveMin, info.ArchiveMax));
    }

    [Fact]
    public void Another_stanza_or_a_new_one_without_backups()
    {
        Assert.Null(StanzaInfo.Parse(Json, "pg-other"));
        var empty = StanzaInfo.Parse("""[{"archive":[],"backup":[],"name":"pg-lab","status":{"code":2,"message":"no valid backups"}}]""", "pg-lab")!;
        Assert.Empty(empty.Backups);
        Assert.Null(empty.Newest);
        Assert.Equal("no valid backups", empty.StatusMessage);
    }

    [Fact]
    public void The_summary_lists_every_backup_in_text_and_markdown()
    {
        var info = StanzaInfo.Parse(Json, "pg-lab");

        var text = BackupSummary.Text(info);
        var markdown = BackupSummary.Markdown("lab", info);

        Assert.Contains("20261201-062953F_20261201-063932I incr", text);
        Assert.Contains("22.5 MiB (stored 167 KiB) in 2 s", text);
        Assert.Contains("| `20261201-062953F` | full |", markdown);
        Assert.StartsWith("### Backups of lab", markdown);
    }

    [Theory]
    [InlineData(null, "latest", null)]
    [InlineData("latest", "latest", null)]
    [InlineData("2026-12-01T06:51:45Z", "time", "2026-12-01 06:51:45.000000+00")]
    [InlineData("2026-12-01T08:51:45.5+02:00", "time", "2026-12-01 06:51:45.500000+00")]
    public void A_restore_target_is_latest_or_a_timestamp_in_utc(string? to, string type, string? target) =>
        Assert.Equal(new RestoreTarget(type, target), RestoreTarget.Parse(to));

    [Fact]
    public void A_restore_target_that_is_no_time_says_what_to_write() =>
        Assert.Contains("--to=2026-12-01T06:40:00Z", Assert.Throws<BackupFailedException>(() => RestoreTarget.Parse("yesterday")).Message);
}
