using Npgsql;
using SwarmPgGitOps.Pipeline;
using Xunit.Abstractions;

namespace SwarmPgGitOps.LabTests;

/// <summary>A cluster of the classic layout (PostgreSQL 17) taken over by a Deploy of the Patroni layout, rows and all.</summary>
[Collection("patroni")]
public class ClassicTakeoverTests(TakeoverLabStack stack, ITestOutputHelper output) : IClassFixture<TakeoverLabStack>
{
    private const int Rows = 1000;

    [Fact]
    public async Task A_Patroni_deploy_takes_the_classic_primary_s_data_over_keeping_every_row_and_every_member_streams()
    {
        Assert.Equal(["pg-mig_primary", "pg-mig_replica1", "pg-mig_replica2"], stack.ClassicDeploy.Created.Order(StringComparer.Ordinal));
        var classicPrimary = stack.Servers()[0];
        string systemId;
        await using (var primary = stack.Connect(classicPrimary))
        {
            await primary.OpenAsync();
            Assert.StartsWith("17.", await Scalar<string>(primary, "SHOW server_version"));
            systemId = (await Scalar<long>(primary, "SELECT system_identifier FROM pg_control_system()")).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Scalar<int>(primary, $"CREATE TABLE public.moved (id bigint PRIMARY KEY, note text NOT NULL); INSERT INTO public.moved SELECT g, 'classic row ' || g FROM generate_series(1, {Rows}) g; SELECT 1");
            // Patroni's post_bootstrap, which creates Smoke's canary table, does not run on existing data: the takeover must create it.
            await Scalar<int>(primary, $"DROP TABLE {SwarmPgGitOps.Postgres.CanaryProbe.Table}; SELECT 1");
        }
        await WaitForReplicasToStream(stack.Servers()[0], stack.Servers().Count - 1);

        // Without a member that adopts the primary's volume the deploy would start an empty cluster beside the data: refused, nothing touched.
        stack.UseFixture("patroni");
        var withoutVolume = LabFixture.EditFile(stack.Layout.EnvironmentFile("lab"), "    volume: primary_data\n", "");
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => stack.Deploy());
        withoutVolume();
        Assert.Contains("volume: primary_data", refused.Message);
        Assert.Equal(["pg-mig_primary", "pg-mig_replica1", "pg-mig_replica2"], await ServiceNames());

        // The classic servers and the members answer at the same hosts and ports: one connection string for before and after.
        await using var writer = await ContinuousWriter.StartAsync(stack.WriterConnectionString());
        await Task.Delay(TimeSpan.FromSeconds(2));

        var deployStarted = writer.Now;
        var takeover = await stack.Deploy();
        var deployTook = writer.Now - deployStarted;
        // The writer's last gap closes once pg1 accepts writes: Deploy returns only after every member streams.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await writer.StopAsync();

        var log = stack.Output.ToString();
        Assert.Equal(["pg-mig_primary", "pg-mig_replica1", "pg-mig_replica2"], takeover.Removed.Order(StringComparer.Ordinal));
        Assert.True(log.IndexOf("pg-mig_replica2 stopped", StringComparison.Ordinal) is > 0 and var stopped && stopped < log.IndexOf("creating pg-mig_pg1", StringComparison.Ordinal), log);
        Assert.Equal(["pg-mig_etcd1", "pg-mig_etcd2", "pg-mig_etcd3", "pg-mig_pg1", "pg-mig_pg2", "pg-mig_pg3"], await ServiceNames());

        var members = stack.Servers();
        var leaders = new List<string>();
        foreach (var member in members)
        {
            await Waits.Until(async () =>
            {
                await using var connection = stack.Connect(member);
                return await Scalar<long>(connection, $"SELECT count(*) FROM public.moved WHERE id <= {Rows}") == Rows && await writer.MissingOn(connection) == 0;
            }, TimeSpan.FromSeconds(60), $"every classic row and every acknowledged write on {member.Name}");
            await using var check = stack.Connect(member);
            Assert.Equal(systemId, (await Scalar<long>(check, "SELECT system_identifier FROM pg_control_system()")).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!await Scalar<bool>(check, "SELECT pg_is_in_recovery()"))
                leaders.Add(member.Name);
        }
        Assert.Equal(["pg1"], leaders);
        await WaitForReplicasToStream(members[0], members.Count - 1);

        var report = await stack.Smoke();
        Assert.All(report.Checks, c => Assert.True(c.Passed, c.Describe() + " " + c.Hint));
        var again = await stack.Deploy();
        Assert.False(again.Plan.HasChanges, stack.Output.ToString());

        await using var leader = stack.Connect(members[0]);
        var timeline = await Scalar<int>(leader, "SELECT timeline_id FROM pg_control_checkpoint()");
        output.WriteLine($"takeover deploy: {deployTook.TotalSeconds:0.0} s; {writer.Acknowledged.Count} writes acknowledged around it, 0 lost; longest gap between acknowledged writes {writer.LongestGap().TotalSeconds:0.0} s; pg1 leads on timeline {timeline}");
        output.WriteLine(log);
    }

    private async Task WaitForReplicasToStream((string Name, string Host, int Port) primary, int replicas) =>
        await Waits.Until(async () =>
        {
            await using var connection = stack.Connect(primary);
            return await Scalar<long>(connection, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == replicas;
        }, TimeSpan.FromSeconds(120), $"{replicas} replicas streaming from {primary.Name}");

    private async Task<IReadOnlyList<string>> ServiceNames() =>
        (await new SwarmPgGitOps.Swarm.DockerSwarmApi(stack.Lab.Docker).ListServicesAsync(TakeoverLabStack.Stack, CancellationToken.None))
            .Select(s => s.Spec.Name!).Order(StringComparer.Ordinal).ToList();

    private static Task<T> Scalar<T>(NpgsqlConnection connection, string sql) => PatroniLabStack.Scalar<T>(connection, sql);
}
