using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;
using SwarmPgGitOps.Rendering;
using Xunit.Abstractions;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// A lone synchronous replica updated by Deploy: commits on the primary keep being acknowledged while it is down (Deploy
/// suspends synchronous replication), none is lost, and synchronous replication is as rendered again afterwards.
/// </summary>
[Collection("lab")]
public partial class SynchronousReplicaTests(SynchronousLabStack stack, ITestOutputHelper output) : IClassFixture<SynchronousLabStack>
{
    private sealed record Commit(long Id, DateTime AcknowledgedAt);

    [Fact]
    public async Task Commits_flow_while_Deploy_updates_the_lone_synchronous_replica_and_synchronous_replication_is_back_afterwards()
    {
        await stack.WaitUntilHealthy();
        var rendered = PostgresSettings.SynchronousStandbyNames(stack.Environment.Spec.Replicas);
        await using (var primary = stack.ConnectPrimary())
            await stack.Scalar<int>(primary, "CREATE TABLE IF NOT EXISTS public.sync_writes (id bigserial PRIMARY KEY, written_at timestamptz DEFAULT clock_timestamp()); SELECT 1");
        var replica1 = stack.Environment.Spec.Replicas.Single(r => r.Name == "replica1");
        var taskBefore = Assert.Single(await stack.RunningTasks("replica1")).ID;

        // Only replica1's service changes: its published port.
        stack.EditEnvironment($"    port: {replica1.Port}\n", $"    port: {replica1.Port + 10}\n");
        using var stop = new CancellationTokenSource();
        var commits = new ConcurrentQueue<Commit>();
        var notStreaming = new ConcurrentQueue<DateTime>();
        var writer = Task.Run(() => Write(commits, stop.Token));
        var watcher = Task.Run(() => WatchReplica1(notStreaming, stop.Token));
        var clock = Stopwatch.StartNew();
        SwarmPgGitOps.Swarm.DeployOutcome outcome;
        TimeSpan deployTook;
        try
        {
            outcome = await stack.Deploy();
            deployTook = clock.Elapsed;
            await stack.WaitUntilHealthy();
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writer, watcher);
        }

        Assert.Equal(["pg-sync_replica1"], outcome.Updated);
        Assert.NotEqual(taskBefore, Assert.Single(await stack.RunningTasks("replica1")).ID);
        Assert.NotEmpty(notStreaming);
        var (down, up) = (notStreaming.Min(), notStreaming.Max());
        var acknowledged = commits.ToList();
        var whileDown = acknowledged.Count(c => c.AcknowledgedAt > down && c.AcknowledgedAt < up);
        Assert.True(whileDown > 0, $"no commit acknowledged while replica1 was not streaming ({down:HH:mm:ss.fff} to {up:HH:mm:ss.fff}); {acknowledged.Count} in all");

        await using (var primary = stack.ConnectPrimary())
        {
            var ids = string.Join(",", acknowledged.Select(c => c.Id));
            Assert.Equal(acknowledged.Count, await stack.Scalar<long>(primary, $"SELECT count(*) FROM public.sync_writes WHERE id IN ({ids})"));
            Assert.Equal(rendered, await stack.Scalar<string>(primary, "SHOW synchronous_standby_names"));
            Assert.Equal(0L, await stack.Scalar<long>(primary,
                "SELECT count(*) FROM pg_file_settings WHERE name = 'synchronous_standby_names' AND sourcefile LIKE '%/postgresql.auto.conf'"));
        }
        await Waits.Until(async () =>
        {
            await using var primary = stack.ConnectPrimary();
            return await stack.Scalar<bool>(primary, "SELECT EXISTS (SELECT FROM pg_stat_replication WHERE application_name = 'replica1' AND sync_state IN ('sync', 'quorum'))");
        }, TimeSpan.FromSeconds(60), "replica1 a synchronous candidate again");

        var printed = stack.Output.ToString();
        Assert.Contains("suspending synchronous replication on the primary before updating pg-sync_replica1", printed);
        var suspended = Suspended().Match(printed);
        Assert.True(suspended.Success, printed);
        var gaps = acknowledged.OrderBy(c => c.AcknowledgedAt).Zip(acknowledged.OrderBy(c => c.AcknowledgedAt).Skip(1), (a, b) => b.AcknowledgedAt - a.AcknowledgedAt).ToList();
        output.WriteLine($"deploy {deployTook.TotalSeconds:0.0} s; replica1 not streaming for {(up - down).TotalSeconds:0.0} s; synchronous replication suspended for "
            + $"{suspended.Groups["seconds"].Value} s; {acknowledged.Count} commits, {whileDown} of them while replica1 was not streaming; "
            + $"longest gap between two acknowledged commits {(gaps.Count > 0 ? gaps.Max().TotalMilliseconds : 0):0} ms");
    }

    /// <summary>One row per commit, each acknowledged by the primary before the next is sent.</summary>
    private async Task Write(ConcurrentQueue<Commit> commits, CancellationToken stop)
    {
        await using var primary = stack.ConnectPrimary();
        await primary.OpenAsync(stop);
        await using var insert = new NpgsqlCommand("INSERT INTO public.sync_writes DEFAULT VALUES RETURNING id", primary);
        while (!stop.IsCancellationRequested)
        {
            var id = (long)(await insert.ExecuteScalarAsync(CancellationToken.None))!;
            commits.Enqueue(new Commit(id, DateTime.UtcNow));
            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>When replica1 was seen not streaming from the primary.</summary>
    private async Task WatchReplica1(ConcurrentQueue<DateTime> notStreaming, CancellationToken stop)
    {
        await using var primary = stack.ConnectPrimary();
        await primary.OpenAsync(stop);
        await using var streaming = new NpgsqlCommand("SELECT EXISTS (SELECT FROM pg_stat_replication WHERE application_name = 'replica1' AND state = 'streaming')", primary);
        while (!stop.IsCancellationRequested)
        {
            if (!(bool)(await streaming.ExecuteScalarAsync(CancellationToken.None))!)
                notStreaming.Enqueue(DateTime.UtcNow);
            await Task.Delay(50, CancellationToken.None);
        }
    }

    [GeneratedRegex(@"restored synchronous replication on the primary: commits had no synchronous copy for (?<seconds>[0-9.]+) s")]
    private static partial Regex Suspended();
}
