using SwarmPgGitOps.Waiting;
using Docker.DotNet;
using Npgsql;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.PgHba;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Drift;

/// <summary>
/// Compares what runs with what git renders: the stack's Swarm objects (<see cref="SwarmDrift"/>), then every PostgreSQL
/// instance, reached and read through the Postgres access layer as the smoke checks reach them (<see cref="SettingDrift"/>,
/// <see cref="HbaDrift"/>, and on the primary <see cref="ReplicationDrift"/>). Reads only. An unreachable replica is drift, and so is an unreachable primary whose
/// service has drifted; an unreachable primary whose service is as git says is an error.
/// </summary>
public sealed class DriftDetector(Func<string, string?>? variable = null, RetrySchedule? retry = null)
{
    private readonly Func<string, string?> _variable = variable ?? Environment.GetEnvironmentVariable;

    /// <param name="environmentFile">The environment file's path in the repository, as the report names it.</param>
    /// <param name="renderedHba">The rendered pg_hba.conf.</param>
    public async Task<DriftReport> DetectAsync(EnvironmentDocument document, string environmentFile, DesiredStack desired, IDockerClient docker,
        SecretValues secrets, string renderedHba, CancellationToken cancellation = default)
    {
        var live = await LiveStack.ReadAsync(docker, desired.Stack, cancellation);
        var items = new List<DriftItem>(SwarmDrift.Find(desired.KeepingLiveBootstrap(live), live, document.Spec));
        var primaryService = DriftObjects.Service(StackLabels.Scoped(desired.Stack, document.Spec.Classic().Primary.Name));
        var primaryDrifted = items.Any(i => i.Object == primaryService);
        items.AddRange(await DatabaseItems(document, secrets, PgHbaParser.Parse(renderedHba, "pg_hba.conf"), primaryDrifted, cancellation));
        return new DriftReport(document.Name, environmentFile, items);
    }

    /// <param name="primaryDrifted">The primary's service differs on the swarm, which may be why it cannot be reached: then that is drift, not an error.</param>
    private async Task<IReadOnlyList<DriftItem>> DatabaseItems(EnvironmentDocument document, SecretValues secrets, PgHbaDocument rendered, bool primaryDrifted,
        CancellationToken cancellation)
    {
        var spec = document.Spec;
        var expected = PostgresSettings.Expected(spec);
        var names = expected.Select(s => s.Name).ToList();
        var targets = await new TargetResolver(_variable).ResolveAsync(document, cancellation);
        var connector = new PostgresConnector("drift", secrets.SuperuserPassword, spec.Smoke.ConnectTimeoutSeconds, retry ?? PostgresConnector.DefaultRetry);
        var states = await Task.WhenAll(targets.Select(t => Read(connector, t, names, cancellation)));

        var (primaryTarget, primary, primaryProblem) = states[0];
        if (primary is null && !primaryDrifted)
            throw new DriftCheckFailedException($"cannot read the primary: {primaryProblem}; its service runs as git says, so check the network and secrets.superuser_password");

        var items = new List<DriftItem>();
        if (primary is not null)
            items.AddRange(ReplicationDrift.Find(primaryTarget.Name, spec.Classic().Replicas, primary.Slots, primary.Replication));
        foreach (var (target, state, problem) in states)
        {
            if (state is null)
            {
                items.Add(new DriftItem(DriftObjects.Database(target.Name), "connection", "reachable", problem ?? "unreachable"));
                continue;
            }
            items.AddRange(SettingDrift.Find(target.Name, expected, state.Settings));
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
