using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Secrets;

namespace SwarmPgGitOps.Rendering;

/// <summary>
/// pgBackRest in the Patroni layout: the stanza (Patroni's scope), the repository (a service of the stack on its own
/// node and volume, or an S3 bucket), and the configuration files that the repository and the members read
/// (templates/pgbackrest-repo.conf.sbn, pgbackrest-member.conf.sbn). Each member runs pgBackRest's TLS server, so
/// the repository can back up whichever member it chooses; the members push WAL to the repository's TLS server.
/// </summary>
public sealed record RenderBackup(
    string Stanza,
    IReadOnlyList<string> PlacementConstraints,
    int RetentionFull,
    int? RetentionDiff,
    int ArchiveTimeoutSeconds,
    S3RepositorySpec? S3,
    IReadOnlyList<RenderMember> Members)
{
    public const string ServiceName = "pgbackrest";
    public const string Role = "pgbackrest";
    public const string VolumeName = "pgbackrest_repo";
    public const string RepositoryPath = "/var/lib/pgbackrest";
    public const string ConfigPath = "/etc/pgbackrest/pgbackrest.conf";
    public const string RepositoryConfigKey = "pgbackrest_repo";
    public const string RepositoryConfigFile = "pgbackrest-repo.conf";
    public const string MemberConfigKey = "pgbackrest_member";
    public const string MemberConfigFile = "pgbackrest-member.conf";
    public const int TlsPort = 8432;

    public string ServiceNameOf => ServiceName;
    public string RoleName => Role;
    public string Volume => VolumeName;
    public string RepositoryDirectory => RepositoryPath;
    public string Config => ConfigPath;
    public string ClientName => TlsGenerator.BackupClientName;
    public string DataDirectory => PostgresSettings.DataDirectory;
    public string SocketDirectory => PostgresSettings.SocketDirectory;
    public bool HasRepositoryService => S3 is null;
    public IReadOnlyList<SecretMount> Secrets => ServiceSecrets.For(Role, SecretValues.BackupTlsKeys);

    /// <summary>PostgreSQL's archive_command on every member: whichever leads pushes its WAL to the repository.</summary>
    public static string ArchiveCommand(string stanza) => $"pgbackrest --stanza={stanza} archive-push %p";

    public static RenderBackup? From(EnvironmentSpec spec, IReadOnlyList<RenderMember> members) =>
        spec.Backup is not { } backup
            ? null
            : new RenderBackup(spec.PatroniScope(), RenderModel.Constraints(backup.Repository.Placement ?? []), backup.Repository.RetentionFull,
                backup.Repository.RetentionDiff, backup.ArchiveTimeoutSeconds, backup.Repository.S3, members);
}
