using SwarmPgGitOps.Waiting;
using Docker.DotNet;
using Npgsql;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.PgHba;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Patroni;

namespace SwarmPgGitOps.Drift;

/// <summary>
/// Compares what runs with what git renders: the stack's Swarm objects (<see cref="SwarmDrift"/>), in the Patroni layout
/// Patroni's dynamic configuration and leader (<see cref="PatroniDrift"/>), then every PostgreSQL instance, reached and read
/// through the Postgres access layer as the smoke checks reach them (<see cref="SettingDrift"/>, <see cref="HbaDrift"/>, and
/// on the primary <see cref="ReplicationDrift"/>). The primary is the classic layout's primary, or the member Patroni names
/// leader; in the Patroni layout settings and pg_hba are read on the leader, the other members must answer. Reads only.
/// An unreachable replica is drift, and so is an unreachable primary whose service has drifted; an unreachable primary
/// whose service is as git says is an error.
/// </summary>
public sealed class DriftDetector(Func<string, string?>? variable = null, RetrySchedule? retry = null)
{
    private readonly Func<string, string?> _variable = variable ?? Environment.GetEnvironmentVariable;

    /// <summary>Who feeds the replicas, and which instances' settings and pg_hba count.</summary>
    /// <param name="SettingsEverywhere">Read settings and pg_hba on every instance (classic), or on the primary only (Patroni: the others follow it).</param>
    private sealed record Roles(string Primary, IReadOnlyList<ExpectedReplica> Replicas, bool SettingsEverywhere);

    /// <param name="environmentFile">The environment file's path in the repository, as the report names it.</param>
    /// <param name="renderedHba">The rendered pg_hba.conf.</param>
    public async Task<DriftReport> DetectAsync(EnvironmentDocument document, string environmentFile, DesiredStack desired, IDockerClient docker,
        SecretValues secrets, string renderedHba, CancellationToken cancellation = default)
    {
        var live = await LiveStack.ReadAsync(docker, desired.Stack, cancellation);
        var items = new List<DriftItem>(SwarmDrift.Find(desired.KeepingLiveBootstrap(live), live, document.Spec));
        bool Drifted(string key) => items.Any(i => i.Object == DriftObjects.Service(StackLabels.Scoped(desired.Stack, key)));

        Roles roles;
        if (EnvironmentLayouts.Of(document.Spec) == EnvironmentLayout.Patroni)
        {
            var (patroniItems, leader) = await PatroniItems(document, new DockerSwarmApi(docker), desired, Drifted, cancellation);
            items.AddRange(patroniItems);
            roles = PatroniRoles(document.Spec, leader);
        }
        else
        {
            var (primary, replicas) = document.Spec.Classic();
            roles = new Roles(primary.Name, ReplicationDrift.Expected(replicas), SettingsEverywhere: true);
        }
        var databaseItems = await DatabaseItems(document, secrets, PgHbaParser.Parse(renderedHba, "pg_hba.conf"), roles, Drifted(roles.Primary), cancellation);
        // A parameter changed in Patroni's dynamic configuration is reported there once, not again as the leader's setting.
        var changedParameters = PatroniDrift.ChangedParameters(items);
        items.AddRange(databaseItems.Where(i => !changedParameters.Any(p => i.Field == SettingDrift.Field(p))));
        return new DriftReport(document.Name, environmentFile, items);
    }

    /// <returns>Patroni's items, and the member that leads (git's preferred leader when none does, so its checks say what is wrong).</returns>
    private static async Task<(IReadOnlyList<DriftItem> Items, string Leader)> PatroniItems(EnvironmentDocument document, DockerSwarmApi swarm, DesiredStack desired,
        Func<string, bool> drifted, CancellationToken cancellation)
    {
        var spec = document.Spec;
        var (patroni, members, _) = spec.PatroniCluster();
        try
        {
            var live = await PatroniCtl.For(spec, swarm).StateAsync(cancellation);
            return (PatroniDrift.Find(document.Name, spec, PatroniDynamicConfig.Render(spec), live), live.Cluster.Leader?.Name ?? patroni.PreferredLeader);
        }
        catch (PatroniUnavailableException e) when (members.Any(m => drifted(m.Name)))
        {
            return ([new DriftItem(DriftObjects.PatroniCluster(spec.PatroniScope()), "reachable", "answers", e.Message)], patroni.PreferredLeader);
        }
        catch (PatroniUnavailableException e)
        {
            throw new DriftCheckFailedException($"cannot ask Patroni: {e.Message}; the members' services run as git says");
        }
    }

    /// <summary>The leader feeds every other member, each streaming under its member name through the slot Patroni names after it.</summary>
    private static Roles PatroniRoles(EnvironmentSpec spec, string leader) =>
        new(leader, spec.PatroniCluster().Members.Where(m => m.Name != leader)
            .Select(m => new ExpectedReplica(m.Name, SmokeExpectations.PatroniSlotName(m.Name), false, m.Name)).ToList(), SettingsEverywhere: false);

    /// <param name="primaryDrifted">The primary's service differs on the swarm, which may be why it cannot be reached: then that is drift, not an error.</param>
    private async Task<IReadOnlyList<DriftItem>> DatabaseItems(EnvironmentDocument document, SecretValues secrets, PgHbaDocument rendered, Roles roles, bool primaryDrifted,
        CancellationToken cancellation)
    {
        var spec = document.Spec;
        var expected = PostgresSettings.Expected(spec);
        var layout = EnvironmentLayouts.Of(spec) ?? EnvironmentLayout.Classic;
        var names = expected.Select(s => s.Name).ToList();
        var targets = await new TargetResolver(_variable).ResolveAsync(document, cancellation);
        await using var connector = PostgresConnector.ForChecks("drift", document, secrets, _variable, retry);
        var states = await Task.WhenAll(targets.Select(t => Read(connector, t, names, cancellation)));

        // Patroni may name a leader git does not know; the first instance then stands in, and its checks say what is wrong.
        var (primaryTarget, primary, primaryProblem) = states.FirstOrDefault(s => s.Target.Name == roles.Primary, states[0]);
        if (primary is null && !primaryDrifted)
            throw new DriftCheckFailedException($"cannot read the primary {primaryTarget.Name}: {primaryProblem}; its service runs as git says, so check the network and secrets.superuser_password");

        var items = new List<DriftItem>();
        if (primary is not null)
            items.AddRange(ReplicationDrift.Find(primaryTarget.Name, roles.Replicas, primary.Slots, primary.Replication));
        foreach (var (target, state, problem) in states)
        {
            if (state is null)
            {
                items.Add(new DriftItem(DriftObjects.Database(target.Name), "connection", "reachable", problem ?? "unreachable"));
                continue;
            }
            if (!roles.SettingsEverywhere && target.Name != roles.Primary)
                continue;
            items.AddRange(SettingDrift.Find(target.Name, expected, state.Settings, layout));
            items.AddRange(HbaDrift.Find(target.Name, rendered, state.HbaRules));
        }
        return items;
    }

    private static async Task<(PostgresTarget Target, DatabaseState? State, string? Problem)> Read(
        PostgresConnector connector, PostgresTarget target, IReadOnlyCollection<string> settings, CancellationToken cancellation)
    {
        if (target.Host is null)
            return (target, null, target.Problem ?? "no address");
        try
        {
            await using var connection = await connector.OpenAsync(target, cancellation);
            return (target, await MemberReader.ReadDatabaseAsync(connection, settings, cancellation), null);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or System.Net.Sockets.SocketException or InvalidCastException)
        {
            var message = e is PostgresException pg ? $"{pg.SqlState} {pg.MessageText}" : e.Message;
            return (target, null, $"{target.Endpoint}: {message.ReplaceLineEndings(" ")}");
        }
    }
}
