using System.Diagnostics;
using Xunit.Abstractions;
using Npgsql;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// Backups on the lab, as one sequence on the stack pg-hb (each step starts where the last left the cluster): the first
/// deploy's stanza and full backup; Smoke's archiving checks; an incremental backup and a restore drill over a sample
/// table; the repository unreachable; a point-in-time restore into a new stack after a failover between two backups;
/// and at the end every member's volume destroyed and the cluster restored from the repository. It stops no engine and
/// cuts no node off, so it runs beside the other classes (not in the Fault category, whose classes run alone); its
/// faults are in the README's fault table all the same.
/// </summary>
[Collection("lab")]
public class BackupFaultTests(BackupLabStack stack, ITestOutputHelper output) : IClassFixture<BackupLabStack>
{
    private const string Orders = "public.backup_orders";

    [Fact]
    [Trait("Fault", "Backup: repository unreachable")]
    [Trait("Fault", "Backup: restore to a timestamp after a failover between two backups")]
    [Trait("Fault", "Backup: every member's volume destroyed")]
    public async Task Backups_archive_restore_to_a_time_and_to_the_last_archived_wal_and_smoke_names_an_unreachable_repository()
    {
        // The first deploy: stanza, first full backup; Smoke checks the repository and archiving.
        Assert.Matches(@"took the first full backup \(the repository held none\): \d{8}-\d{6}F, ", stack.Output.ToString());
        var smoke = await Smoke();
        Assert.True(smoke.Passed, string.Join("\n", smoke.Checks.Where(c => !c.Passed).Select(c => c.Describe())));
        Assert.Equal(["archive.last_archived", "archive.last_attempt", "backup.check", "backup.newest"],
            smoke.Checks.Where(c => c.Name.StartsWith("backup.", StringComparison.Ordinal) || c.Name.StartsWith("archive.", StringComparison.Ordinal)).Select(c => c.Name).Order(StringComparer.Ordinal));

        // A table of 1000 rows, an incremental backup, and a drill that restores to its own restore point and counts it.
        await Sql($"CREATE TABLE {Orders} (id bigserial PRIMARY KEY, note text); INSERT INTO {Orders} (note) SELECT 'before ' || g FROM generate_series(1, 1000) g");
        await stack.Backup("incr");
        var drill = await stack.RestoreDrill();
        output.WriteLine(string.Join("\n", drill.Checks.Select(c => $"{c.Name}: expected {c.Expected}, restored {c.Restored}, {(c.Passed ? "pass" : "FAIL")}")));
        output.WriteLine(string.Join("\n", drill.Phases.Select(p => $"drill phase {p.Phase}: {p.Took.TotalSeconds:0.0} s")));
        Assert.True(drill.Passed);
        Assert.Contains(drill.Checks, c => c is { Name: $"rows in {Orders}", Expected: "1000", Restored: "1000" });

        // The repository unreachable: Smoke fails naming it, and the leader still takes writes.
        await stack.ScaleRepository(0);
        try
        {
            var failed = await Smoke();
            Assert.False(failed.Passed);
            var check = Assert.Single(failed.Checks, c => c.Name == "backup.check");
            Assert.False(check.Passed);
            Assert.Equal($"{stack.StackName}_pgbackrest", check.Target);
            output.WriteLine($"repository down: {check.Describe()} (hint: {check.Hint})");
            Assert.Equal(1000 + 10, await Sql<long>($"INSERT INTO {Orders} (note) SELECT 'repository down ' || g FROM generate_series(1, 10) g; SELECT count(*) FROM {Orders}"));
        }
        finally
        {
            await stack.ScaleRepository(1);
        }
        await AssertSmokePasses(TimeSpan.FromSeconds(90));

        // A point in time between two batches; then the leader stops answering (its container paused, as a hung server)
        // until its key expires and another member is elected: a failover, onto a new timeline. The old leader rejoins,
        // and a differential backup is taken after it.
        var before = await Sql<long>($"SELECT count(*) FROM {Orders}");
        var pointInTime = (await Sql<DateTime>("SELECT clock_timestamp()")).ToUniversalTime();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await Sql($"INSERT INTO {Orders} (note) SELECT 'after ' || g FROM generate_series(1, 500) g");
        var leader = (await stack.Leaders()).Single();
        var (container, node) = await stack.RunningContainer(leader);
        var failover = Stopwatch.StartNew();
        await LabFixture.DockerCli(node.Socket, ["pause", container]);
        string successor;
        try
        {
            string? elected = null;
            await Waits.Until(async () => (elected = (await stack.AnsweringLeaders()).SingleOrDefault(m => m != leader)) is not null,
                TimeSpan.FromSeconds(90), $"a member other than {leader} to lead");
            successor = elected!;
        }
        finally
        {
            await LabFixture.DockerCli(node.Socket, ["unpause", container]);
        }
        var electedAfter = failover.Elapsed;
        await stack.WaitUntilStreaming();
        Assert.Equal([successor], await stack.Leaders());
        output.WriteLine($"{leader} paused: {successor} elected {electedAfter.TotalSeconds:0.0} s later; {leader} back as a replica, every member streaming, {failover.Elapsed.TotalSeconds:0.0} s after the pause");
        await stack.Backup("diff");
        await Sql("SELECT pg_switch_wal()");
        await stack.Restore(pointInTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", System.Globalization.CultureInfo.InvariantCulture));
        await using (var restored = stack.ConnectRestored())
        {
            Assert.Equal(before, await PatroniLabStack.Scalar<long>(restored, $"SELECT count(*) FROM {Orders}"));
            Assert.Equal(0L, await PatroniLabStack.Scalar<long>(restored, $"SELECT count(*) FROM {Orders} WHERE note LIKE 'after %'"));
            Assert.Equal("off", await PatroniLabStack.Scalar<string>(restored, "SHOW archive_mode"));
        }
        output.WriteLine($"restored to {pointInTime:O} after a failover from {leader} to {successor} and a differential backup: {before} rows, none written after it");

        // A writer; a WAL switch archived while it writes; then every member's volume destroyed and the cluster restored.
        await using var writer = await ContinuousWriter.StartAsync(stack.LeaderConnectionString());
        await writer.NextAcknowledgedAfter(writer.Now, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var switchedAt = writer.Now;
        var segment = await Sql<string>("SELECT pg_walfile_name(pg_switch_wal())");
        await WaitArchived(segment);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stack.DestroyEveryMembersVolume();
        await writer.StopAsync();
        var archivedRows = writer.Acknowledged.Where(a => a.At < switchedAt).Select(a => a.Id).ToHashSet();
        var clock = Stopwatch.StartNew();
        await stack.Restore("latest");
        var restoredAfter = clock.Elapsed;
        await using (var restored = stack.ConnectRestored())
        {
            await restored.OpenAsync();
            var ids = new HashSet<long>();
            await using (var command = new NpgsqlCommand($"SELECT id FROM {ContinuousWriter.Table}", restored))
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    ids.Add(reader.GetInt64(0));
            var missing = archivedRows.Where(id => !ids.Contains(id)).ToList();
            output.WriteLine($"volumes destroyed: {writer.Acknowledged.Count} writes acknowledged, {archivedRows.Count} before the last archived WAL switch, "
                + $"{ids.Count} restored, {missing.Count} of those missing; restore and deploy of the new stack took {restoredAfter.TotalSeconds:0.0} s");
            Assert.Empty(missing);
            Assert.Equal(before + 500, await PatroniLabStack.Scalar<long>(restored, $"SELECT count(*) FROM {Orders}"));
        }
    }

    private async Task AssertSmokePasses(TimeSpan within)
    {
        SmokeReport? last = null;
        await Waits.Until(async () => (last = await Smoke()).Passed, within, "Smoke to pass again");
        Assert.True(last!.Passed);
    }

    /// <summary>Smoke's report, passed or not (the Smoke step ends in an error when a check fails).</summary>
    private Task<SmokeReport> Smoke() => new SmokeRunner().RunAsync(stack.Environment, stack.Passwords);

    private async Task WaitArchived(string segment)
    {
        await Waits.Until(async () => string.CompareOrdinal(await Sql<string>("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver"), segment) >= 0,
            TimeSpan.FromSeconds(60), $"{segment} to be archived");
    }

    private async Task<NpgsqlConnection> LeaderConnection()
    {
        var connection = new NpgsqlConnection(stack.LeaderConnectionString());
        await connection.OpenAsync();
        return connection;
    }

    private async Task Sql(string sql)
    {
        await using var connection = await LeaderConnection();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> Sql<T>(string sql)
    {
        await using var connection = await LeaderConnection();
        return await PatroniLabStack.Scalar<T>(connection, sql);
    }
}
