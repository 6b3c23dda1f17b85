using System.Text.RegularExpressions;
using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Secrets;
using static SwarmPgGitOps.Validation.EnvironmentValidator;

namespace SwarmPgGitOps.Validation;

/// <summary>
/// backup: (pgBackRest) belongs to the Patroni layout; a repository that is either a service of the stack, placed on a
/// node away from the preferred leader where it can be, or an S3 bucket; retention and archive_timeout pgBackRest and
/// PostgreSQL accept; the secrets each kind of repository needs.
/// </summary>
public static partial class BackupValidator
{
    /// <summary>The backup secrets an environment file names, for the checks every secret source gets.</summary>
    public static IEnumerable<(string Key, SecretSourceSpec Source)> SecretSources(SecretsSpec secrets)
    {
        var sources = new (string Key, SecretSourceSpec? Source)[]
        {
            (SecretValues.BackupTlsCaKey, secrets.BackupTlsCa), (SecretValues.BackupTlsCertKey, secrets.BackupTlsCert), (SecretValues.BackupTlsKeyKey, secrets.BackupTlsKey),
            (SecretValues.BackupS3KeyKey, secrets.BackupS3Key), (SecretValues.BackupS3KeySecretKey, secrets.BackupS3KeySecret),
        };
        return sources.Where(s => s.Source is not null).Select(s => (s.Key, s.Source!));
    }

    public static IReadOnlyList<Diagnostic> Validate(EnvironmentDocument document, EnvironmentLayout? layout)
    {
        var errors = new List<Diagnostic>();
        var spec = document.Spec;
        var map = document.Map;
        if (spec.Backup is not { } backup || layout is null)
            return errors;
        if (layout != EnvironmentLayout.Patroni)
        {
            errors.Add(map.Error("backup", "backup belongs to the Patroni layout: pgBackRest archives from whichever member Patroni makes leader",
                "remove backup, or move the file to the Patroni layout (members, patroni, dcs)"));
            return errors;
        }

        var repository = backup.Repository;
        if ((repository.Placement is null) == (repository.S3 is null))
            errors.Add(map.Error("backup.repository", "backup.repository needs exactly one of placement (a repository service of the stack) or s3 (a bucket)",
                "write placement: { <node label>: <value> } to keep backups on a node of the swarm, or s3: { bucket, endpoint, region }"));
        else if (repository.Placement is { } placement)
            CheckRepositoryService(document, placement, errors);
        else if (repository.S3 is { } s3)
            CheckS3(document, s3, errors);

        if (repository.RetentionFull < 1)
            errors.Add(map.Error("backup.repository.retention_full", $"backup.repository.retention_full {repository.RetentionFull} keeps no full backup",
                "keep 1 or more full backups, such as 2"));
        if (repository.RetentionDiff is < 1)
            errors.Add(map.Error("backup.repository.retention_diff", $"backup.repository.retention_diff {repository.RetentionDiff} keeps no differential backup",
                "keep 1 or more, or leave the key out"));
        if (backup.ArchiveTimeoutSeconds is < 1 or > 86400)
            errors.Add(map.Error("backup.archive_timeout_seconds", $"backup.archive_timeout_seconds {backup.ArchiveTimeoutSeconds} is outside 1..86400",
                "it bounds how long a committed transaction waits to be archived (the recovery point objective): use 60 to 300 seconds"));
        if (backup.MaxBackupAgeHours < 1)
            errors.Add(map.Error("backup.max_backup_age_hours", $"backup.max_backup_age_hours {backup.MaxBackupAgeHours} is below 1",
                "Smoke fails when the newest backup is older: use the backup schedule's interval plus a margin, such as 26 for daily backups"));
        return errors;
    }

    private static void CheckRepositoryService(EnvironmentDocument document, Dictionary<string, string> placement, List<Diagnostic> errors)
    {
        var spec = document.Spec;
        var map = document.Map;
        var (patroni, members, dcs) = spec.PatroniCluster();
        if (members.Any(m => m.Name == RenderBackup.ServiceName) || dcs.Members.Any(m => m.Name == RenderBackup.ServiceName))
            errors.Add(map.Error("backup.repository", $"the backup repository's service is named '{RenderBackup.ServiceName}', which a member or etcd member uses too",
                "rename that member"));
        CheckPlacementAndPorts([new PlacedService("backup.repository", RenderBackup.ServiceName, placement, null)], spec, map, errors);

        var leader = members.FirstOrDefault(m => m.Name == patroni.PreferredLeader);
        var repositoryNodes = spec.Nodes.Where(n => placement.All(n.Labels.Contains)).Select(n => n.Name).ToHashSet();
        var leaderNodes = leader is null ? [] : spec.Nodes.Where(n => leader.Placement.All(n.Labels.Contains)).Select(n => n.Name).ToHashSet();
        if (repositoryNodes.Count > 0 && repositoryNodes.IsSubsetOf(leaderNodes) && spec.Nodes.Count > 1)
            errors.Add(map.Warning("backup.repository.placement", $"the backup repository runs on the preferred leader's node ({string.Join(", ", repositoryNodes)})",
                "place it on another node: losing that node would take the leader and the backups at once"));

        foreach (var key in SecretValues.BackupTlsKeys)
        {
            if (SecretSources(spec.Secrets).All(s => s.Key != key))
                errors.Add(map.Error("secrets", $"'secrets' is missing '{key}', which the backup repository's TLS server needs",
                    $"add {key}: {{ env: ... }} or {{ file: ... }} (README: Backups has the recipe), or {{ generate: true }} for a local environment"));
        }
    }

    private static void CheckS3(EnvironmentDocument document, S3RepositorySpec s3, List<Diagnostic> errors)
    {
        var map = document.Map;
        if (!BucketName().IsMatch(s3.Bucket))
            errors.Add(map.Error("backup.repository.s3.bucket", $"backup.repository.s3.bucket {Quote("backup.repository.s3.bucket", s3.Bucket)} is not a bucket name",
                "use 3 to 63 lowercase letters, digits, '.' and '-'"));
        if (s3.Endpoint.Contains("://", StringComparison.Ordinal) || s3.Endpoint.Length == 0)
            errors.Add(map.Error("backup.repository.s3.endpoint", $"backup.repository.s3.endpoint {Quote("backup.repository.s3.endpoint", s3.Endpoint)} is not a host name",
                "write the host alone, such as s3.eu-west-1.amazonaws.com (pgBackRest always uses https)"));
        if (s3.UriStyle is not ("host" or "path"))
            errors.Add(map.Error("backup.repository.s3.uri_style", $"backup.repository.s3.uri_style {Quote("backup.repository.s3.uri_style", s3.UriStyle)} is not host or path",
                "host for AWS, path for MinIO and most self-hosted stores"));
        if (!s3.Path.StartsWith('/'))
            errors.Add(map.Error("backup.repository.s3.path", $"backup.repository.s3.path {Quote("backup.repository.s3.path", s3.Path)} is not absolute", "start it with /, such as /pgbackrest"));
        foreach (var key in new[] { SecretValues.BackupS3KeyKey, SecretValues.BackupS3KeySecretKey })
        {
            if (SecretSources(document.Spec.Secrets).All(s => s.Key != key))
                errors.Add(map.Error("secrets", $"'secrets' is missing '{key}', which the S3 repository needs", $"add {key}: {{ env: ... }}"));
        }
        errors.Add(map.Warning("backup.repository.s3", "an S3 repository is rendered (archiving from every member) but not exercised by this project's tests, and Backup, Restore and RestoreDrill run against a repository service only",
            "prefer backup.repository.placement; README: Backups says what S3 lacks"));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")] private static partial Regex BucketName();
}
