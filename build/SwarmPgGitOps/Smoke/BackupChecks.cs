using SwarmPgGitOps.Backup;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Postgres;

namespace SwarmPgGitOps.Smoke;

/// <summary>
/// Backups and WAL archiving (backup configured): `pgbackrest check` passes on the repository, the newest backup is
/// younger than backup.max_backup_age_hours, and on the leader the archiver's last attempt succeeded and its last
/// archived WAL is younger than twice archive_timeout (the check has just made the leader switch and archive a WAL).
/// </summary>
public static class BackupChecks
{
    /// <summary>What the repository answered: the check's run, or why it could not be run.</summary>
    public sealed record Repository(string Service, RepositoryRun? Run, string? Unavailable);

    public static IReadOnlyList<SmokeCheck> Evaluate(BackupSpec backup, Repository repository, ArchiverRow? archiver, DateTimeOffset now)
    {
        var checks = new List<SmokeCheck>();
        var service = repository.Service;
        var logs = $"docker service ps {service} and docker service logs {service}; the members' logs show their archive-push errors";
        if (repository.Run is not { } run)
        {
            checks.Add(SmokeCheck.Fail("backup.check", service, repository.Unavailable ?? "not run", "pgbackrest check passes",
                $"the backup repository could not be asked: {logs}"));
        }
        else
        {
            checks.Add(SmokeCheck.When(run.Job.Succeeded, "backup.check", service, run.Job.Succeeded ? "passed" : run.Problem, "pgbackrest check passes",
                $"pgBackRest could not archive and read back a WAL file through the repository: {logs}"));
            var limit = TimeSpan.FromHours(backup.MaxBackupAgeHours);
            var newest = run.Info?.Newest;
            checks.Add(newest is null
                ? SmokeCheck.Fail("backup.newest", service, run.Info is null ? "unknown (no info)" : "no backup", $"younger than {backup.MaxBackupAgeHours} h",
                    "take one: ./build.sh --target=Backup --env=<env> (the scheduled backup workflow does it daily)")
                : SmokeCheck.When(now - newest.Stopped <= limit, "backup.newest", service, $"{newest.Label} ({newest.Type}), {Age(now - newest.Stopped)} old",
                    $"younger than {backup.MaxBackupAgeHours} h", "the scheduled backup has not run or failed: see the backup workflow's runs, or run ./build.sh --target=Backup --env=<env>"));
        }

        if (archiver is null)
            return checks;
        checks.Add(SmokeCheck.When(!archiver.Failing, "archive.last_attempt", "primary",
            archiver.Failing ? $"failing since {archiver.LastFailedTime:u} ({archiver.LastFailedWal}), {archiver.FailedCount} failure(s)" : $"succeeded ({archiver.ArchivedCount} archived)",
            "the last archive attempt succeeded", $"archive_command (pgbackrest archive-push) fails on the leader; WAL waits on its disk until it succeeds: {logs}"));
        var bound = TimeSpan.FromSeconds(2 * backup.ArchiveTimeoutSeconds);
        var age = archiver.LastArchivedTime is { } archived ? archiver.Now - archived : (TimeSpan?)null;
        checks.Add(SmokeCheck.When(age <= bound, "archive.last_archived", "primary",
            age is { } a ? $"{archiver.LastArchivedWal}, {Age(a)} ago" : "nothing archived yet", $"within {bound.TotalSeconds:0} s (2 × archive_timeout)",
            $"the leader's WAL does not reach the repository in time, so a restore would lose more than archive_timeout of writes: {logs}"));
        return checks;
    }

    private static string Age(TimeSpan age) =>
        age.TotalHours >= 1 ? $"{age.TotalHours:0.0} h" : age.TotalMinutes >= 1 ? $"{age.TotalMinutes:0} min" : $"{Math.Max(0, age.TotalSeconds):0} s";
}
