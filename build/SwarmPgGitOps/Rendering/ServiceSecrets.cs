using SwarmPgGitOps.Secrets;

namespace SwarmPgGitOps.Rendering;

/// <summary>
/// Which secret files each service mounts, owned by whom and with which mode: the one place that decides it. A service
/// gets only the secrets its entrypoint reads, so a replica never holds the superuser password and rotating that
/// password updates the primary alone. Both entrypoints read the files as root, before they drop to postgres with
/// setpriv (primary.sh: initdb's pwfile and the ALTER ROLE literals; replica.sh: the passfile it writes and hands to
/// postgres), so every file is root's and readable by root only.
/// </summary>
public static class ServiceSecrets
{
    public static IReadOnlyList<SecretMount> For(string role) => role switch
    {
        "primary" => [RootOnly(SecretValues.SuperuserPasswordKey), RootOnly(SecretValues.ReplicationPasswordKey)],
        "replica" => [RootOnly(SecretValues.ReplicationPasswordKey)],
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "a service is the primary or a replica"),
    };

    private static SecretMount RootOnly(string key) => new(key, Uid: "0", Gid: "0", Mode: "0400");
}

/// <summary>A secret mounted as /run/secrets/&lt;key&gt;; uid, gid and mode as the compose long syntax writes them.</summary>
public sealed record SecretMount(string Key, string Uid, string Gid, string Mode);
