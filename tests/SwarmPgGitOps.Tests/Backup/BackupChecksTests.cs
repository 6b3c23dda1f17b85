using SwarmPgGitOps.Backup;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Tests.Backup;

public class BackupChecksTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1796107174).AddHours(1);
    private static readonly BackupSpec Spec = new() { Repository = new BackupRepositorySpec { Placement = new() { ["lab.node"] = "node2" } } };

    private static BackupChecks.Repository Checked(long exitCode, string stderr = "") =>
        new("pg-lab_pgbackrest", new RepositoryRun(new JobResult("pg-lab-check-1", exitCode, StanzaInfoTests.Json, stderr, TimeSpan.FromSeconds(3)),
            StanzaInfo.Parse(StanzaInfoTests.Json, "pg-lab")), null);

    private static ArchiverRow Archiver(TimeSpan archivedAgo, TimeSpan? failedAgo = null) =>
        new(42, "000000010000000000000012", Now - archivedAgo, failedAgo is null ? 0 : 1, failedAgo is null ? null : "000000010000000000000013", Now - failedAgo, Now);

    [Fact]
    public void A_passing_check_a_recent_backup_and_archiving_that_keeps_up_pass()
    {
        var checks = BackupChecks.Evaluate(Spec, Checked(0), Archiver(TimeSpan.FromSeconds(3)), Now);

        Assert.All(checks, c => Assert.True(c.Passed, c.Describe()));
        Assert.Equal(["backup.check", "backup.newest", "archive.last_attempt", "archive.last_archived"], checks.Select(c => c.Name));
        Assert.Equal("20261201-062953F_20261201-063932I (incr), 1.0 h old", checks[1].Value);
    }

    [Fact]
    public void A_failed_check_names_the_repository_and_shows_pgbackrests_error()
    {
        var check = BackupChecks.Evaluate(Spec, Checked(82, "P00  ERROR: [082]: WAL segment 0000000100000000000000B was not archived before the 20000ms timeout\n"), null, Now)[0];

        Assert.False(check.Passed);
        Assert.Equal("pg-lab_pgbackrest", check.Target);
        Assert.Contains("ERROR: [082]", check.Value);
        Assert.Contains("docker service logs pg-lab_pgbackrest", check.Hint);
    }

    [Fact]
    public void A_repository_that_could_not_be_asked_fails_without_the_backup_age()
    {
        var checks = BackupChecks.Evaluate(Spec, new BackupChecks.Repository("pg-lab_pgbackrest", null, "stack 'pg-lab' has no backup repository service"), null, Now);

        var check = Assert.Single(checks);
        Assert.False(check.Passed);
        Assert.Contains("no backup repository service", check.Value);
    }

    [Fact]
    public void An_old_backup_a_failing_archiver_and_an_old_archived_wal_fail_each_on_their_own()
    {
        var checks = BackupChecks.Evaluate(new BackupSpec { Repository = Spec.Repository, MaxBackupAgeHours = 1, ArchiveTimeoutSeconds = 60 },
            Checked(0), Archiver(TimeSpan.FromMinutes(5), failedAgo: TimeSpan.FromSeconds(10)), Now.AddMinutes(30));

        Assert.Equal(["backup.newest", "archive.last_attempt", "archive.last_archived"], checks.Where(c => !c.Passed).Select(c => c.Name));
        Assert.Contains("failing since", checks.Single(c => c.Name == "archive.last_attempt").Value);
        Assert.Equal("within 120 s (2 × archive_timeout)", checks.Single(c => c.Name == "archive.last_archived").Threshold);
    }
}
