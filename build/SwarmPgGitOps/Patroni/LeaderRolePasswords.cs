using Npgsql;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Patroni;

/// <summary>
/// The roles' passwords on the leader during a deploy that rotates them. Patroni sets them only when it initialises a
/// cluster; members that restart with new ones would otherwise stop authenticating (replication, pg_rewind).
/// </summary>
public interface IRolePasswords
{
    /// <summary>Sets git's passwords on <paramref name="leader"/>; returns the verifiers the roles had, to put back.</summary>
    Task<IReadOnlyList<RoleVerifier>> SetAsync(string leader, CancellationToken cancellation);

    /// <summary>Puts back the verifiers <see cref="SetAsync"/> returned, on <paramref name="leader"/> (the passwords set then let the pipeline in).</summary>
    Task RestoreAsync(string leader, IReadOnlyList<RoleVerifier> previous, CancellationToken cancellation);
}

/// <summary>
/// Sets the passwords through psql in a member container on the endpoint's node, connected to the leader with that
/// member's own superuser password (before the roll, the one the leader still has: the pipeline never knew it). Puts
/// them back through the pipeline's own connection as the new superuser password. Only verifiers travel.
/// </summary>
public sealed class LeaderRolePasswords(IContainerExec exec, StackContainerLocator locator, IReadOnlyDictionary<string, string> passwords,
    Func<string, CancellationToken, Task<NpgsqlConnection>> connectAsNewSuperuser) : IRolePasswords
{
    public const string Superuser = "postgres";

    public static LeaderRolePasswords For(EnvironmentDocument document, SecretValues secrets, DockerSwarmApi docker) =>
        new(docker, new StackContainerLocator(docker, document.Spec.Stack, StackContainerLocator.MemberRole),
            new Dictionary<string, string>
            {
                [Superuser] = secrets.SuperuserPassword,
                [document.Spec.Access.Replication.User] = secrets.ReplicationPassword,
            }.Concat(MonitorRole.PasswordFor(document.Spec, secrets) is { } monitor
                ? [KeyValuePair.Create(MonitorRole.Name, monitor)] : []).ToDictionary(),
            async (leader, cancellation) =>
            {
                var target = (await new TargetResolver(Environment.GetEnvironmentVariable).ResolveAsync(document, cancellation)).Single(t => t.Name == leader);
                if (target.Host is null)
                    throw new PatroniRolloutException($"cannot reach the leader {leader} to put its passwords back: {target.Problem}");
                return await PostgresConnector.For("deploy", document, secrets).OpenOnlyAsync(target, cancellation);
            });

    public async Task<IReadOnlyList<RoleVerifier>> SetAsync(string leader, CancellationToken cancellation)
    {
        var verifiers = passwords.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new RoleVerifier(p.Key, ScramVerifier.Compute(p.Value))).ToList();
        var container = await locator.FindAsync(cancellation);
        var result = await exec.ExecAsync(container.ContainerId, ["bash", PatroniCtl.Entrypoint, "sql", leader], Script(verifiers), cancellation);
        if (result.ExitCode != 0)
            throw new PatroniRolloutException(
                $"could not set the rotated passwords on the leader {leader} through {container.Service} (exit {result.ExitCode}): {ExecResult.LastLine(result.Stderr)} "
                + "(hint: the member's superuser password must still be the leader's: a deploy that rotated it and was not rolled back leaves them apart; "
                + "set it on the leader by hand, ALTER ROLE postgres PASSWORD, then deploy again)");
        return RolePasswords.ParseRows(result.Stdout);
    }

    /// <summary>The checks' role is made first where it is to get a password: a running cluster given one for the first time has none.</summary>
    private static string Script(IReadOnlyList<RoleVerifier> verifiers) =>
        (verifiers.Any(v => v.Role == MonitorRole.Name) ? MonitorRole.SetupSql + "\n" : "") + RolePasswords.ReadThenSetScript(verifiers);

    public async Task RestoreAsync(string leader, IReadOnlyList<RoleVerifier> previous, CancellationToken cancellation)
    {
        await using var connection = await connectAsNewSuperuser(leader, cancellation);
        await RolePasswords.SetAsync(connection, previous, cancellation);
    }
}
