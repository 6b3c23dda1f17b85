using System.Collections.Concurrent;
using Npgsql;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.LabTests;

/// <summary>The Patroni layout deployed by the pipeline on the real lab: PostgreSQL 17 members under Patroni, etcd beside them.</summary>
[Collection("patroni")]
public class PatroniDeployTests(PatroniLabStack stack) : IClassFixture<PatroniLabStack>
{
    [Fact]
    public async Task A_fresh_deploy_brings_up_etcd_and_a_PostgreSQL_17_cluster_led_by_the_preferred_member_and_Smoke_passes()
    {
        Assert.Equal(["pg-ha_etcd1", "pg-ha_etcd2", "pg-ha_etcd3", "pg-ha_pg1", "pg-ha_pg2", "pg-ha_pg3"], stack.FirstDeploy.Created.Order(StringComparer.Ordinal));
        Assert.Equal(["pg1"], await stack.Leaders());
        foreach (var member in stack.Members)
        {
            await using var connection = stack.Connect(member);
            Assert.StartsWith("17.", await PatroniLabStack.Scalar<string>(connection, "SHOW server_version"));
            Assert.Equal("UTF8", await PatroniLabStack.Scalar<string>(connection, "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'postgres'"));
        }

        var report = await stack.Smoke();

        Assert.All(report.Checks, c => Assert.True(c.Passed, c.Describe() + " " + c.Hint));
        Assert.Contains(report.Checks, c => c.Name == "patroni.leader" && c.Value == "pg1");
        Assert.Contains(report.Checks, c => c.Name == "etcd.members" && c.Value == "etcd1, etcd2, etcd3");
    }

    [Fact]
    public async Task A_second_deploy_changes_nothing()
    {
        var outcome = await stack.Deploy();

        Assert.False(outcome.Plan.HasChanges, stack.Output.ToString());
        Assert.Empty(outcome.Updated);
        Assert.Equal(["pg1"], await stack.Leaders());
    }

    [Fact]
    public async Task A_member_update_rolls_replicas_first_switches_over_before_the_leader_loses_no_acknowledged_write_and_ends_on_the_preferred_leader()
    {
        var acknowledged = new ConcurrentQueue<(long Id, TimeSpan At)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        await using (var setup = new NpgsqlConnection(stack.LeaderConnectionString()))
            await PatroniLabStack.Scalar<int>(setup, "CREATE TABLE IF NOT EXISTS public.rolling (id bigserial PRIMARY KEY, at timestamptz DEFAULT now()); SELECT 1");
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await using var connection = new NpgsqlConnection(stack.LeaderConnectionString());
                    acknowledged.Enqueue((await PatroniLabStack.Scalar<long>(connection, "INSERT INTO public.rolling DEFAULT VALUES RETURNING id"), clock.Elapsed));
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
                {
                }
                await Task.Delay(25);
            }
        });

        // The change stays: the stack and this class's scratch environment file agree again once the deploy is done.
        stack.EditEnvironment("health_start_period_seconds: 120", "health_start_period_seconds: 121");
        try
        {
            var outcome = await stack.Deploy();

            Assert.Equal(["pg-ha_pg2", "pg-ha_pg3", "pg-ha_pg1"], outcome.Updated);
            Assert.Contains("switching over from pg1 to ", stack.Output.ToString());
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }

        Assert.Equal(["pg1"], await stack.Leaders());
        Assert.NotEmpty(acknowledged);
        await using var leader = new NpgsqlConnection(stack.LeaderConnectionString());
        var missing = await PatroniLabStack.Scalar<long>(leader,
            $"SELECT count(*) FROM unnest(ARRAY[{string.Join(",", acknowledged.Select(a => a.Id))}]::bigint[]) AS a(id) WHERE NOT EXISTS (SELECT 1 FROM public.rolling r WHERE r.id = a.id)");
        Assert.Equal(0, missing);
        var times = acknowledged.Select(a => a.At).Order().ToList();
        var longestGap = times.Zip(times.Skip(1), (a, b) => b - a).DefaultIfEmpty().Max();
        Console.WriteLine($"rolling update of 3 members: {acknowledged.Count} writes acknowledged, 0 lost, longest gap between acknowledged writes {longestGap.TotalSeconds:0.0} s");
        Assert.All((await stack.Smoke()).Checks, c => Assert.True(c.Passed, c.Describe() + " " + c.Hint));
    }

    [Fact]
    public async Task A_reloadable_setting_is_applied_through_Patroni_without_restarting_any_member()
    {
        var restore = stack.EditEnvironment("      shared_buffers: 64MB\n", "      shared_buffers: 64MB\n      work_mem: 7MB\n");
        try
        {
            var outcome = await stack.Deploy();

            Assert.Empty(outcome.Updated);
            Assert.Contains("applying Patroni's dynamic configuration: postgresql.parameters.work_mem", stack.Output.ToString());
            foreach (var member in stack.Members)
            {
                await Waits.Until(async () =>
                {
                    await using var connection = stack.Connect(member);
                    return await PatroniLabStack.Scalar<string>(connection, "SHOW work_mem") == "7MB";
                }, TimeSpan.FromSeconds(60), $"work_mem 7MB on {member.Name}");
            }
        }
        finally
        {
            restore();
            await stack.Deploy();
        }
    }
}
