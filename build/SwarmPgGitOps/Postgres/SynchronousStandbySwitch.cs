using Npgsql;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Replication;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Postgres;

/// <summary>
/// Synchronous replication on an environment's primary, for Deploy: which standbys stream, and suspending it with ALTER
/// SYSTEM (postgresql.auto.conf, so a restart of the primary keeps it suspended) and putting back the value
/// postgresql.conf renders (<see cref="PostgresSettings.SynchronousStandbyNames"/>). Each change is reloaded and read back
/// from the server before it counts as done.
/// </summary>
public sealed class SynchronousStandbySwitch(EnvironmentDocument document, SecretValues secrets, Func<string, string?>? variable = null) : ISynchronousReplication
{
    private const string Setting = "synchronous_standby_names";
    private static readonly PollSchedule Reloaded = new(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(500));

    public IReadOnlyDictionary<string, string> SynchronousSlots { get; } =
        document.Spec.Classic().Replicas.Where(r => r.Synchronous).ToDictionary(r => $"{document.Spec.Stack}_{r.Name}", r => r.Slot);

    public async Task<IReadOnlySet<string>> StreamingAsync(CancellationToken cancellation)
    {
        await using var primary = await OpenPrimaryAsync(cancellation);
        return (await CatalogQueries.Replication.ReadAsync(primary, cancellation)).Where(r => r.State == "streaming").Select(r => r.ApplicationName).ToHashSet();
    }

    public Task SuspendAsync(CancellationToken cancellation) => ChangeAsync($"ALTER SYSTEM SET {Setting} = ''", "", cancellation);

    public Task RestoreAsync(CancellationToken cancellation) =>
        ChangeAsync($"ALTER SYSTEM RESET {Setting}", PostgresSettings.SynchronousStandbyNames(document.Spec.Classic().Replicas), cancellation);

    private async Task ChangeAsync(string alterSystem, string expected, CancellationToken cancellation)
    {
        await using var primary = await OpenPrimaryAsync(cancellation);
        // ALTER SYSTEM cannot run in a transaction block, which a batch of statements is: one statement at a time.
        await new Query<int>(alterSystem, _ => 0).ReadAsync(primary, cancellation);
        await new Query<bool>("SELECT pg_reload_conf()", r => r.GetBoolean(0)).ReadAsync(primary, cancellation);
        var shown = new Query<string>($"SELECT current_setting('{Setting}')", r => r.GetString(0));
        var polled = await Waiter.System.PollAsync(async (_, token) => (await shown.ReadAsync(primary, token)).Single(), value => value == expected, Reloaded, cancellation);
        if (!polled.Done)
            throw new PrimaryUnreachableException(
                $"the primary shows {Setting} '{polled.Last}' {Reloaded.Timeout.TotalSeconds:0} s after reloading its configuration, not '{expected}'");
    }

    private async Task<NpgsqlConnection> OpenPrimaryAsync(CancellationToken cancellation)
    {
        var primary = (await new TargetResolver(variable ?? Environment.GetEnvironmentVariable).ResolveAsync(document, cancellation))[0];
        if (primary.Host is null)
            throw new PrimaryUnreachableException($"cannot reach the primary for its synchronous replication: {primary.Problem}");
        return await PostgresConnector.For("deploy", document, secrets, variable).OpenOnlyAsync(primary, cancellation);
    }
}
