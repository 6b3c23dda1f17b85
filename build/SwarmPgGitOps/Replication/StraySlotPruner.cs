using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Replication;

/// <summary>
/// Drops the physical replication slots on the primary that no replica of the environment owns and nothing uses
/// (a replica removed from the stack leaves its slot, and a kept slot keeps WAL until the disk is full).
/// Run by Deploy with --prune only: slots are data the operator may still want.
/// </summary>
public sealed class StraySlotPruner(Func<string, string?>? variable = null)
{
    public async Task<IReadOnlyList<string>> PruneAsync(EnvironmentDocument document, SecretValues secrets, CancellationToken cancellation = default)
    {
        var spec = document.Spec;
        var targets = await new TargetResolver(variable ?? Environment.GetEnvironmentVariable).ResolveAsync(document, cancellation);
        var primary = targets[0];
        if (primary.Host is null)
            throw new PrimaryUnreachableException($"cannot reach the primary to prune slots: {primary.Problem}");

        await using var connector = PostgresConnector.For("prune", document, secrets, variable);
        await using var connection = await connector.OpenAsync(primary, cancellation);
        // A replica removed a moment ago may still hold its slot until its connection ends.
        var owned = spec.Classic().Replicas.Select(r => r.Slot).ToArray();
        await Waiter.System.PollAsync((_, token) => new ValueTask<long>(ReplicationSlots.CountActiveUnownedAsync(connection, owned, token)), active => active == 0,
            new PollSchedule(TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(500)), cancellation);

        return await ReplicationSlots.DropInactiveUnownedAsync(connection, owned, cancellation);
    }
}
