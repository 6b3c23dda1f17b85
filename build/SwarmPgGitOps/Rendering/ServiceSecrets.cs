using SwarmPgGitOps.Secrets;

namespace SwarmPgGitOps.Rendering;

/// <summary>
/// Which secret files each service mounts, owned by whom and with which mode: the one place that decides it. A service
/// gets only the secrets its entrypoint reads, so a replica never holds the superuser password and rotating that
/// password updates the primary alone. Both entrypoints read the files as root, before they drop to postgres with
/// setpriv (primary.sh: initdb's pwfile and the ALTER ROLE literals; replica.sh: the passfile it writes and hands to
/// postgres), so every file is root's and readable by root only.
/// In the Patroni layout a member's entrypoint hands all three passwords to Patroni (its superuser, replication and REST
/// API credentials); the files belong to the image's postgres user (fixed id in build/image/install.sh), readable by it
/// only. etcd and HAProxy read none. With backups, a member also gets the backup secrets the stack has (pgBackRest's TLS
/// files, or an S3 repository's keys), and the repository service (role pgbackrest) the TLS files; pgBackRest runs as
/// postgres in both. With PostgreSQL TLS (<see cref="PostgresTls"/>) a member gets its CA, certificate and key, which
/// its server and Patroni read as postgres (PostgreSQL refuses a key file others can read).
/// </summary>
public static class ServiceSecrets
{
    /// <summary>The postgres user's uid and gid in the project's image (build/image/install.sh).</summary>
    private const string PostgresId = "999";

    public static readonly IReadOnlySet<string> Roles = new HashSet<string> { "primary", "replica", "member", "etcd", "haproxy", RenderBackup.Role };

    /// <summary>The secrets a stack has only when its environment configures them: backups, PostgreSQL TLS.</summary>
    public static readonly IReadOnlySet<string> OptionalKeys = new HashSet<string>(
        [.. SecretValues.BackupTlsKeys, SecretValues.BackupS3KeyKey, SecretValues.BackupS3KeySecretKey, .. SecretValues.PostgresTlsKeys, SecretValues.MonitorPasswordKey]);

    /// <summary>What a service of <paramref name="role"/> mounts, given the optional secrets the stack has (<see cref="OptionalKeysOf"/>).</summary>
    public static IReadOnlyList<SecretMount> For(string role, IReadOnlyCollection<string>? optionalKeys = null)
    {
        var optional = SecretValues.Keys.Where(k => OptionalKeys.Contains(k) && optionalKeys?.Contains(k) == true).ToList();
        return role switch
        {
            "primary" => [RootOnly(SecretValues.SuperuserPasswordKey), RootOnly(SecretValues.ReplicationPasswordKey)],
            "replica" => [RootOnly(SecretValues.ReplicationPasswordKey)],
            "member" => [PostgresOnly(SecretValues.SuperuserPasswordKey), PostgresOnly(SecretValues.ReplicationPasswordKey), PostgresOnly(SecretValues.RestApiPasswordKey),
                .. optional.Select(PostgresOnly)],
            RenderBackup.Role => [.. optional.Where(SecretValues.BackupTlsKeys.Contains).Select(PostgresOnly)],
            "etcd" or "haproxy" => [],
            _ => throw new ArgumentOutOfRangeException(nameof(role), role, "a service is the primary, a replica, a Patroni member, an etcd member, HAProxy or the backup repository"),
        };
    }

    /// <summary>
    /// The optional secrets a stack of this environment has: pgBackRest's TLS files with a repository service, the keys
    /// with S3; the members' TLS files with PostgreSQL TLS.
    /// </summary>
    public static IReadOnlyList<string> OptionalKeysOf(Environments.EnvironmentSpec spec)
    {
        IReadOnlyList<string> backup = spec.Backup?.Repository switch
        {
            null => [],
            { S3: not null } => [SecretValues.BackupS3KeyKey, SecretValues.BackupS3KeySecretKey],
            _ => SecretValues.BackupTlsKeys,
        };
        return [.. backup, .. PostgresTls.IsOn(spec) ? SecretValues.PostgresTlsKeys : [], .. Postgres.MonitorRole.IsOn(spec) ? [SecretValues.MonitorPasswordKey] : Array.Empty<string>()];
    }

    private static SecretMount RootOnly(string key) => new(key, Uid: "0", Gid: "0", Mode: "0400");

    private static SecretMount PostgresOnly(string key) => new(key, Uid: PostgresId, Gid: PostgresId, Mode: "0400");
}

/// <summary>A secret mounted as /run/secrets/&lt;key&gt;; uid, gid and mode as the compose long syntax writes them.</summary>
public sealed record SecretMount(string Key, string Uid, string Gid, string Mode);
