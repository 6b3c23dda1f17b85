using Npgsql;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.LabTests;

/// <summary>The Patroni layout deployed by the pipeline on the real lab: PostgreSQL 17 members under Patroni, etcd beside them.</summary>
[Collection("patroni")]
public class PatroniDeployTests(PatroniLabStack stack) : IClassFixture<PatroniLabStack>
{
    [Fact]
    public async Task A_fresh_deploy_brings_up_etcd_and_a_PostgreSQL_17_cluster_led_by_the_preferred_member_and_Smoke_passes()
    {
        Assert.Equal(["pg-ha_etcd1", "pg-ha_etcd2", "pg-ha_etcd3", "pg-ha_haproxy", "pg-ha_pg1", "pg-ha_pg2", "pg-ha_pg3"], stack.FirstDeploy.Created.Order(StringComparer.Ordinal));
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
        AssertEndpointsFollow(report, "pg1");
        Assert.Equal(stack.Members.Count, report.Checks.Count(c => c.Name == TlsChecks.Name && c.Passed));
    }

    [Fact]
    public async Task Every_connection_is_tls_replication_included_a_plain_text_one_is_refused_and_another_CA_fails_verification_in_one_line()
    {
        var leaderName = Assert.Single(await stack.Leaders());
        var leader = stack.Members.Single(m => m.Name == leaderName);
        await using (var connection = stack.Connect(leader))
        {
            await connection.OpenAsync();
            var walsenders = await PatroniLabStack.Scalar<string>(connection,
                "SELECT string_agg(r.application_name || ':' || s.ssl || ':' || s.version, ',' ORDER BY r.application_name) FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid)");
            Assert.Equal(stack.Members.Where(m => m != leader).Select(m => $"{m.Name}:true:TLSv1.3"), walsenders.Split(','));
        }

        await using var plain = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = leader.ConnectHost, Port = leader.Port!.Value, Username = "postgres", Password = stack.Passwords.SuperuserPassword, Database = "postgres",
            Pooling = false, SslMode = SslMode.Disable,
        }.ConnectionString);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => plain.OpenAsync());
        Assert.Contains("no encryption", refused.MessageText);

        var otherCa = SwarmPgGitOps.Secrets.TlsGenerator.Generate("another", [leader.Name]).Ca;
        var verifying = new SwarmPgGitOps.Postgres.PostgresConnector("test", stack.Passwords.SuperuserPassword, 5,
            new SwarmPgGitOps.Waiting.RetrySchedule(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)), otherCa);
        var unverified = await Assert.ThrowsAsync<SwarmPgGitOps.Postgres.ServerCertificateException>(() =>
            verifying.OpenAsync(new SwarmPgGitOps.Postgres.PostgresTarget(leader.Name, stack.Service(leader.Name), leader.ConnectHost, leader.Port!.Value, "test"), CancellationToken.None));
        Assert.Equal($"{leader.ConnectHost}:{leader.Port}: its TLS certificate (CN=swarm-pg-postgres, issued by CN=swarm-pg-postgres CA) is not signed by the "
            + "environment's CA (CN=another CA, secrets.postgres_tls_ca)", unverified.Message);
    }

    [Fact]
    public async Task On_every_node_the_read_write_port_reaches_the_leader_and_the_read_only_port_spreads_over_the_replicas()
    {
        var leader = Assert.Single(await stack.Leaders());
        foreach (var host in stack.Endpoints.Hosts)
        {
            Assert.Equal((leader, false), await stack.ServedBy(host, stack.Endpoints.ReadWritePort));
            var readers = new HashSet<string>();
            for (var i = 0; i < 4; i++)
            {
                var (member, inRecovery) = await stack.ServedBy(host, stack.Endpoints.ReadOnlyPort);
                Assert.True(inRecovery, $"{host}:{stack.Endpoints.ReadOnlyPort} reached {member}, which is not in recovery");
                readers.Add(member);
            }
            Assert.Equal(stack.Members.Select(m => m.Name).Where(m => m != leader).Order(StringComparer.Ordinal), readers.Order(StringComparer.Ordinal));
        }
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
    public async Task An_access_rule_rolls_out_replicas_first_switches_over_before_the_leader_loses_no_acknowledged_write_takes_effect_and_ends_on_the_preferred_leader()
    {
        var reporting = new NpgsqlConnectionStringBuilder(stack.LeaderConnectionString()) { Username = "reporting", Password = "reporting-pw" }.ConnectionString;
        await using (var connection = new NpgsqlConnection(stack.LeaderConnectionString()))
        {
            await connection.OpenAsync();
            await PatroniLabStack.Scalar<int>(connection, "DROP ROLE IF EXISTS reporting; CREATE ROLE reporting LOGIN PASSWORD 'reporting-pw'; SELECT 1");
        }
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ContinuousWriter.OpenAsync([reporting]));
        Assert.Equal("28000", refused.SqlState);
        await using var writer = await ContinuousWriter.StartAsync(stack.LeaderConnectionString());

        // pg_hba.conf is a config of every member: each one is updated. The change stays: the stack and this class's
        // scratch environment file agree again once the deploy is done.
        stack.EditEnvironment("  rules:\n", "  rules:\n    - { type: hostssl, database: postgres, user: reporting, address: 172.17.0.1/32, method: scram-sha-256 }\n");
        try
        {
            var outcome = await stack.Deploy();

            Assert.Equal(["pg-ha_pg2", "pg-ha_pg3", "pg-ha_pg1"], outcome.Updated);
            Assert.Contains("switching over from pg1 to ", stack.Output.ToString());
        }
        finally
        {
            await writer.StopAsync();
        }

        Assert.Equal(["pg1"], await stack.Leaders());
        await using (var asReporting = await ContinuousWriter.OpenAsync([reporting]))
            Assert.Equal("reporting", await PatroniLabStack.Scalar<string>(asReporting, "SELECT current_user::text"));
        await using var leader = new NpgsqlConnection(stack.LeaderConnectionString());
        Assert.Equal(0, await writer.MissingOn(leader));
        Console.WriteLine($"rolling update of 3 members: {writer.Acknowledged.Count} writes acknowledged, 0 lost, longest gap between acknowledged writes {writer.LongestGap().TotalSeconds:0.0} s");
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

    [Fact]
    public async Task Another_preferred_leader_in_git_is_handed_the_leadership_and_no_member_restarts()
    {
        var restore = stack.EditEnvironment("  preferred_leader: pg1\n", "  preferred_leader: pg2\n");
        try
        {
            var outcome = await stack.Deploy();

            // Only the preferred leader mounts the bootstrap file, for a new cluster: existing members keep what they run with.
            Assert.Empty(outcome.Updated);
            Assert.Matches("(switching|failing) over from pg1 to pg2, the preferred leader", stack.Output.ToString());
            Assert.Equal(["pg2"], await stack.Leaders());
        }
        finally
        {
            restore();
        }

        var back = await stack.Deploy();

        Assert.Empty(back.Updated);
        Assert.Equal(["pg1"], await stack.Leaders());
    }

    [Fact]
    public async Task A_switchover_by_hand_moves_the_leadership_without_losing_an_acknowledged_write_and_the_next_deploy_hands_it_back()
    {
        var switchover = new SwitchoverStep(stack.Layout, LabStack.PlainConsole(stack.Output));
        var refused = await Assert.ThrowsAsync<PipelineFailedException>(() => switchover.RunAsync("lab", "pg9"));
        Assert.Equal("switchover refused, nothing changed: pg9 is not a member of the cluster (members: pg1, pg2, pg3)", refused.Message);
        Assert.Equal(["pg1"], await stack.Leaders());

        await using var writer = await ContinuousWriter.StartAsync(stack.LeaderConnectionString());
        await using var throughHaproxy = await ContinuousWriter.StartAsync(stack.ReadWriteEndpointConnectionString());
        SmokeReport? smoke = null;
        try
        {
            await switchover.RunAsync("lab", "pg2", then: async (environment, passwords) =>
                smoke = await new SmokeStep(stack.Layout, LabStack.PlainConsole(stack.Output)).RunAsync(environment, passwords));
        }
        finally
        {
            await writer.StopAsync();
            await throughHaproxy.StopAsync();
        }

        Assert.Equal(["pg2"], await stack.Leaders());
        Assert.NotNull(smoke);
        Assert.All(smoke.Checks, c => Assert.True(c.Passed, c.Describe() + " " + c.Hint));
        AssertEndpointsFollow(smoke, "pg2");
        await using (var leader = new NpgsqlConnection(stack.LeaderConnectionString()))
        {
            Assert.Equal(0, await writer.MissingOn(leader));
            Assert.Equal(0, await throughHaproxy.MissingOn(leader));
        }
        Console.WriteLine($"switchover by hand pg1 -> pg2: {writer.Acknowledged.Count} writes acknowledged, 0 lost, longest gap between acknowledged writes {writer.LongestGap().TotalSeconds:0.0} s");
        Console.WriteLine($"switchover by hand pg1 -> pg2 through HAProxy's read-write port: {throughHaproxy.Acknowledged.Count} writes acknowledged, 0 lost, "
            + $"longest gap between acknowledged writes {throughHaproxy.LongestGap().TotalSeconds:0.0} s");
        Console.WriteLine($"failed attempts directly (seconds after {writer.StartedAt:HH:mm:ss.fff}):\n{writer.FailuresBetween(TimeSpan.Zero, writer.Now)}\n"
            + $"through HAProxy (seconds after {throughHaproxy.StartedAt:HH:mm:ss.fff}):\n{throughHaproxy.FailuresBetween(TimeSpan.Zero, throughHaproxy.Now)}");

        var outcome = await stack.Deploy();

        Assert.Empty(outcome.Updated);
        Assert.Matches("(switching|failing) over from pg2 to pg1, the preferred leader", stack.Output.ToString());
        Assert.Equal(["pg1"], await stack.Leaders());
    }

    /// <summary>Smoke connected through HAProxy on every node: the read-write port reached <paramref name="leader"/>, the read-only port a replica.</summary>
    private void AssertEndpointsFollow(SmokeReport report, string leader)
    {
        var hosts = stack.Endpoints.Hosts.Order(StringComparer.Ordinal).ToList();
        var readWrite = report.Checks.Where(c => c.Name == EndpointChecks.Name(EndpointKind.ReadWrite)).ToList();
        var readOnly = report.Checks.Where(c => c.Name == EndpointChecks.Name(EndpointKind.ReadOnly)).ToList();
        Assert.Equal(hosts.Select(h => $"{h}:{stack.Endpoints.ReadWritePort}"), readWrite.Select(c => c.Target).Order(StringComparer.Ordinal));
        Assert.Equal(hosts.Select(h => $"{h}:{stack.Endpoints.ReadOnlyPort}"), readOnly.Select(c => c.Target).Order(StringComparer.Ordinal));
        Assert.All(readWrite, c => Assert.Equal($"{leader} (not in recovery)", c.Value));
        Assert.All(readOnly, c => Assert.EndsWith("(in recovery)", c.Value, StringComparison.Ordinal));
        Assert.All(readWrite.Concat(readOnly), c => Assert.True(c.Passed, c.Describe() + " " + c.Hint));
    }
}
