using SwarmPgGitOps.Swarm;
using static SwarmPgGitOps.Tests.Swarm.Deploying;

namespace SwarmPgGitOps.Tests.Swarm;

/// <summary>
/// Deploy keeps commits flowing while it updates a lone synchronous replica: synchronous replication on the primary is
/// suspended before that update, restored once the replica streams again, and restored after any failure.
/// </summary>
public sealed class SynchronousCommitsTests
{
    private const string Next = "swarm-pg/postgres:15-next";
    private const string Suspend = "suspend synchronous replication";
    private const string Restore = "restore synchronous replication";

    private static async Task<(Deploying Deploying, FakeSynchronousReplication Replication)> Deployed(params string[] synchronous)
    {
        var deploying = await new Deploying().Deployed();
        var replication = new FakeSynchronousReplication(deploying.Swarm, synchronous.ToDictionary(s => s, s => FakeSynchronousReplication.LabSlots[s]));
        deploying.Synchronous = replication;
        return (deploying, replication);
    }

    [Fact]
    public async Task A_lone_synchronous_replica_is_updated_with_synchronous_replication_suspended_until_it_streams_again()
    {
        var (deploying, replication) = await Deployed(Replica1);

        await deploying.Deploy(Desired(Image(Next, "primary", "replica1", "replica2")));

        Assert.Equal(["update " + Primary, "running " + Primary, Suspend, "update " + Replica1, "running " + Replica1, Restore, "update " + Replica2, "running " + Replica2],
            deploying.ServiceJournal());
        Assert.False(replication.Suspended);
        Assert.Contains($"suspending synchronous replication on the primary before updating {Replica1}: no other synchronous replica streams, "
            + $"so commits are acknowledged without a synchronous copy until {Replica1} streams again", deploying.Progress);
        Assert.Single(deploying.Progress, p => p.StartsWith("restored synchronous replication on the primary: commits had no synchronous copy for ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_two_synchronous_replicas_each_update_leaves_the_other_to_confirm_commits()
    {
        var (deploying, _) = await Deployed(Replica1, Replica2);

        await deploying.Deploy(Desired(Image(Next, "primary", "replica1", "replica2")));

        Assert.DoesNotContain(Suspend, deploying.ServiceJournal());
    }

    [Fact]
    public async Task A_synchronous_replica_that_cannot_stream_before_its_own_later_update_is_suspended_for_from_the_first_replica_update()
    {
        // A rotated replication password: replica1 cannot log in until it gets the new secret in its own, later, update.
        var (deploying, replication) = await Deployed(Replica2);
        replication.CannotStream.Add(Replica2);
        deploying.Swarm.Fate = (service, spec) =>
        {
            if (service == Replica2 && IsNext(spec))
                replication.CannotStream.Remove(Replica2);
            return TaskFate.Runs;
        };

        await deploying.Deploy(Desired(Image(Next, "replica1", "replica2")));

        Assert.Equal([Suspend, "update " + Replica1, "running " + Replica1, "update " + Replica2, "running " + Replica2, Restore], deploying.ServiceJournal());
    }

    [Fact]
    public async Task A_failed_update_of_the_synchronous_replica_restores_synchronous_replication_after_the_replica_before_the_primary()
    {
        var (deploying, replication) = await Deployed(Replica1);
        deploying.Swarm.Fate = (service, spec) => service == Replica1 && IsNext(spec) ? TaskFate.Fails : TaskFate.Runs;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => deploying.Deploy(Desired(Image(Next, "primary", "replica1", "replica2"))));

        Assert.StartsWith($"deploy failed: {Replica1}: 3 tasks failed\n  task error: task: non-zero exit (1)\n  rolled back: {Primary}, {Replica1}\n", failure.Message);
        Assert.Equal(["update " + Primary, "running " + Primary, Suspend, "update " + Replica1, "update " + Replica1, "running " + Replica1, Restore,
            "update " + Primary, "running " + Primary], deploying.ServiceJournal());
        Assert.False(replication.Suspended);
    }

    [Fact]
    public async Task A_restore_that_fails_after_a_failure_is_added_to_the_first_cause()
    {
        var (deploying, replication) = await Deployed(Replica1);
        deploying.Swarm.Fate = (service, spec) => service == Replica1 && IsNext(spec) ? TaskFate.Fails : TaskFate.Runs;
        replication.RestoreFails = new InvalidOperationException("connection refused");

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => deploying.Deploy(Desired(Image(Next, "replica1"))));

        Assert.StartsWith($"deploy failed: {Replica1}: 3 tasks failed\n", failure.Message);
        Assert.Contains("\n  rollback failed: synchronous replication on the primary is still suspended (connection refused): "
            + "run ALTER SYSTEM RESET synchronous_standby_names; SELECT pg_reload_conf(); on the primary", failure.Message);
    }

    [Fact]
    public async Task A_cancelled_deploy_restores_synchronous_replication()
    {
        var (deploying, replication) = await Deployed(Replica1);
        using var cancel = new CancellationTokenSource();
        replication.OnSuspend = cancel.Cancel;

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() => deploying.Deploy(Desired(Image(Next, "replica1")), cancellation: cancel.Token));

        Assert.Equal($"deploy failed: updating {Replica1}: cancelled", failure.Message);
        Assert.Equal([Suspend, Restore], deploying.ServiceJournal());
        Assert.False(replication.Suspended);
    }

    [Fact]
    public async Task A_deploy_that_lost_its_lease_changes_no_service_more_but_restores_synchronous_replication()
    {
        var (deploying, replication) = await Deployed(Replica1);

        var lost = await Assert.ThrowsAsync<DeployLockLostException>(() => deploying.Deploy(Desired(Image(Next, "replica1")),
            beforeEachChange: _ => replication.Suspended ? throw new DeployLockLostException("pg-lab_deploy_lock is held by another run") : Task.CompletedTask));

        Assert.Equal($"deploy stopped before updating {Replica1}: pg-lab_deploy_lock is held by another run; this run changed no service", lost.Message);
        Assert.Equal([Suspend, Restore], deploying.ServiceJournal());
    }
}
