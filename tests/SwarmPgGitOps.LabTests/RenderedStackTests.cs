using Npgsql;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// The rendered stack and entrypoint scripts on the real lab, deployed by hand with `docker stack deploy`: placement,
/// streaming, slots, read-only replicas, restarts; and Deploy adopting that stack, data intact. Each test holds whether
/// the adoption ran before it or not.
/// </summary>
[Collection("lab")]
public class RenderedStackTests(StackDeployedByHand stack) : IClassFixture<StackDeployedByHand>
{
    [Fact]
    public async Task Primary_runs_on_the_master_node_and_each_replica_on_its_worker()
    {
        var nodes = (await stack.Lab.Docker.Swarm.ListNodesAsync()).ToDictionary(n => n.ID);

        var primary = Assert.Single(await stack.RunningTasks("primary"));
        Assert.Equal("master", nodes[primary.NodeID].Spec.Labels["purpose"]);
        foreach (var replica in stack.Environment.Spec.Classic().Replicas)
        {
            var task = Assert.Single(await stack.RunningTasks(replica.Name));
            Assert.Equal(replica.Placement["lab.node"], nodes[task.NodeID].Spec.Labels["lab.node"]);
            Assert.Equal("worker", nodes[task.NodeID].Spec.Labels["purpose"]);
        }
    }

    [Fact]
    public async Task Every_replica_streams_through_its_own_active_slot()
    {
        await using var primary = stack.ConnectPrimary();
        await primary.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT r.application_name, r.state, s.slot_name, s.active FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid ORDER BY 1", primary);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string App, string State, string Slot, bool Active)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)));

        Assert.Equal(stack.Environment.Spec.Classic().Replicas.Select(r => (r.Slot, "streaming", r.Slot, true)), rows);
    }

    [Fact]
    public async Task Primary_is_not_in_recovery_and_replicas_are()
    {
        await using var primary = stack.ConnectPrimary();
        Assert.False(await stack.Scalar<bool>(primary, "SELECT pg_is_in_recovery()"));
        foreach (var replica in stack.Environment.Spec.Classic().Replicas)
        {
            await using var connection = stack.ConnectReplica(replica);
            Assert.True(await stack.Scalar<bool>(connection, "SELECT pg_is_in_recovery()"));
            Assert.Equal("streaming", await stack.Scalar<string>(connection, "SELECT status FROM pg_stat_wal_receiver"));
            Assert.Equal(replica.Slot, await stack.Scalar<string>(connection, "SELECT slot_name FROM pg_stat_wal_receiver"));
        }
    }

    [Fact]
    public async Task A_canary_written_on_the_primary_is_read_on_every_replica()
    {
        var token = Guid.NewGuid().ToString("N");
        await using (var primary = stack.ConnectPrimary())
            await stack.Scalar<int>(primary, $"INSERT INTO public.swarm_pg_canary (token) VALUES ('{token}') RETURNING 1");

        foreach (var replica in stack.Environment.Spec.Classic().Replicas)
        {
            await Waits.Until(async () =>
            {
                await using var connection = stack.ConnectReplica(replica);
                return await stack.Scalar<long>(connection, $"SELECT count(*) FROM public.swarm_pg_canary WHERE token = '{token}'") == 1;
            }, TimeSpan.FromSeconds(30), $"the canary on {replica.Name}");
        }
    }

    [Fact]
    public async Task Replicas_refuse_writes()
    {
        var replica = stack.Environment.Spec.Classic().Replicas[0];
        await using var connection = stack.ConnectReplica(replica);

        var error = await Assert.ThrowsAsync<PostgresException>(() => stack.Scalar<int>(connection, "INSERT INTO public.swarm_pg_canary (token) VALUES ('x') RETURNING 1"));

        Assert.Equal("25006", error.SqlState);
    }

    [Fact]
    public async Task Passwords_are_stored_as_scram_and_conninfo_holds_none()
    {
        await using var primary = stack.ConnectPrimary();
        var hash = await stack.Scalar<string>(primary, $"SELECT rolpassword FROM pg_authid WHERE rolname = '{stack.Environment.Spec.Access.Replication.User}'");
        await using var replica = stack.ConnectReplica(stack.Environment.Spec.Classic().Replicas[0]);
        var conninfo = await stack.Scalar<string>(replica, "SHOW primary_conninfo");

        Assert.StartsWith("SCRAM-SHA-256$", hash);
        Assert.Contains("passfile=", conninfo);
        Assert.DoesNotContain("password=", conninfo);
        Assert.DoesNotContain(stack.ReplicationPassword, conninfo);
    }

    [Fact]
    public async Task A_restarted_replica_keeps_its_data_and_streams_again_without_a_new_base_backup()
    {
        var replica = stack.Environment.Spec.Classic().Replicas[0];
        var canary = Guid.NewGuid().ToString("N");
        await using (var primary = stack.ConnectPrimary())
            await stack.Scalar<int>(primary, $"INSERT INTO public.swarm_pg_canary (token) VALUES ('{canary}') RETURNING 1");

        await LabFixture.DockerCli(stack.Lab.Info.Endpoint, ["service", "update", "--force", "--detach=true", $"{stack.Stack}_{replica.Name}"]);
        await Waits.Until(async () => await stack.StreamingReplicas() < stack.Environment.Spec.Classic().Replicas.Count, TimeSpan.FromSeconds(60), "the replica to stop");
        await Waits.Until(async () => await stack.StreamingReplicas() == stack.Environment.Spec.Classic().Replicas.Count, TimeSpan.FromSeconds(180), "the replica to stream again");
        await Waits.Until(async () => (await stack.RunningTasks(replica.Name)).Count == 1, TimeSpan.FromSeconds(60), "the replica's task to be healthy");

        var logs = await LabFixture.DockerCli(stack.Lab.Info.Endpoint, ["service", "logs", "--raw", $"{stack.Stack}_{replica.Name}"]);
        Assert.Contains("resuming streaming without a new base backup", logs);
        Assert.Single(logs.Split('\n'), l => l.Contains("no data: copying the primary with pg_basebackup"));
        await using var after = stack.ConnectReplica(replica);
        Assert.Equal(1L, await stack.Scalar<long>(after, $"SELECT count(*) FROM public.swarm_pg_canary WHERE token = '{canary}'"));
    }

    [Fact]
    public async Task Deploy_adopts_a_hand_deployed_stack_and_keeps_its_rows()
    {
        var token = Guid.NewGuid().ToString("N");
        await using (var primary = stack.ConnectPrimary())
            await stack.Scalar<int>(primary, $"INSERT INTO public.swarm_pg_canary (token) VALUES ('{token}') RETURNING 1");
        var output = new StringWriter();

        var outcome = (await new SwarmPgGitOps.Pipeline.DeployStep(stack.Layout, LabStack.PlainConsole(output))
            .RunAsync("lab", new SwarmPgGitOps.Swarm.DeployOptions())).Single();

        // The hand-made stack's secrets carry the names in stack.yml; Deploy names each value by its fingerprint, so
        // adopting the stack changes the services' secret references and nothing else.
        Assert.Empty(outcome.Created);
        Assert.All(outcome.Plan.Changes.Where(c => c.Change == SwarmPgGitOps.Swarm.ChangeKind.Update), c => Assert.Equal("secrets", Assert.Single(c.Fields).Field));
        await Waits.Until(async () => await stack.StreamingReplicas() == stack.Environment.Spec.Classic().Replicas.Count, TimeSpan.FromSeconds(120), "replicas streaming");
        await using var after = stack.ConnectPrimary();
        Assert.Equal(1L, await stack.Scalar<long>(after, $"SELECT count(*) FROM public.swarm_pg_canary WHERE token = '{token}'"));
        foreach (var replica in stack.Environment.Spec.Classic().Replicas)
        {
            await using var connection = stack.ConnectReplica(replica);
            Assert.Equal(1L, await stack.Scalar<long>(connection, $"SELECT count(*) FROM public.swarm_pg_canary WHERE token = '{token}'"));
        }
    }
}
