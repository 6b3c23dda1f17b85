using Npgsql;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.LabTests;

/// <summary>The pipeline's Deploy on the real lab. Each test that changes the environment puts it back before it ends.</summary>
[Collection("lab")]
public class DeployTests(StackDeployedByPipeline stack) : IClassFixture<StackDeployedByPipeline>
{
    [Fact]
    public async Task A_fresh_deploy_creates_everything_and_converges_with_every_replica_streaming()
    {
        Assert.Equal(["pg-lab_primary", "pg-lab_replica1", "pg-lab_replica2"], stack.FirstDeploy.Created);
        var nodes = (await stack.Lab.Docker.Swarm.ListNodesAsync()).ToDictionary(n => n.ID);
        Assert.Equal("master", nodes[Assert.Single(await stack.RunningTasks("primary")).NodeID].Spec.Labels["purpose"]);
        foreach (var replica in stack.Environment.Spec.Classic().Replicas)
            Assert.Equal("worker", nodes[Assert.Single(await stack.RunningTasks(replica.Name)).NodeID].Spec.Labels["purpose"]);
        Assert.Equal(stack.Environment.Spec.Classic().Replicas.Count, await stack.StreamingReplicas());
    }

    [Fact]
    public async Task A_second_deploy_changes_nothing_and_restarts_nothing()
    {
        var before = await Snapshot();

        var outcome = await stack.Deploy();

        Assert.False(outcome.Plan.HasChanges);
        Assert.Empty(outcome.Updated);
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task A_broken_image_tag_fails_the_deploy_and_rolls_the_primary_back()
    {
        var goodImage = stack.Environment.Spec.Postgres.Image;
        var restore = stack.EditEnvironment($"image: {goodImage}", "image: swarm-pg/postgres:15-missing");
        try
        {
            var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => stack.Deploy());

            Assert.StartsWith("deploy failed: pg-lab_primary:", failure.Message);
            Assert.Contains("No such image", failure.Message);
            var primary = await stack.Lab.Docker.Swarm.InspectServiceAsync("pg-lab_primary");
            Assert.Equal(goodImage, primary.Spec.TaskTemplate.ContainerSpec.Image);
            var replica = await stack.Lab.Docker.Swarm.InspectServiceAsync("pg-lab_replica1");
            Assert.Equal(goodImage, replica.Spec.TaskTemplate.ContainerSpec.Image);
            await Waits.Until(async () => await stack.StreamingReplicas() == stack.Environment.Spec.Classic().Replicas.Count, TimeSpan.FromSeconds(120), "replicas streaming after the rollback");
        }
        finally
        {
            restore();
        }
    }

    [Fact]
    public async Task A_spec_the_engine_rejects_mid_deploy_rolls_back_every_service_the_run_updated()
    {
        using var target = await SwarmTarget.PrepareAsync(stack.Layout, LabStack.PlainConsole(stack.Output), "lab");
        var desired = target.Desired;
        foreach (var service in desired.Services)
            service.Spec.TaskTemplate.ContainerSpec.Env = [.. service.Spec.TaskTemplate.ContainerSpec.Env ?? [], "SWARM_PG_REJECT_TEST=1"];
        desired.Services.Single(s => s.Name == $"{stack.Stack}_replica2").Spec.TaskTemplate.ContainerSpec.Image = "";
        var progress = new List<string>();

        var failure = await Assert.ThrowsAsync<DeployFailedException>(() =>
            new SwarmDeployer(target.Docker, progress.Add).DeployAsync(desired, TimeSpan.FromSeconds(240), new DeployOptions()));

        Assert.StartsWith($"deploy failed: updating {stack.Stack}_replica2: 400 ", failure.Message);
        Assert.Contains($"rolled back: {stack.Stack}_primary, {stack.Stack}_replica1", failure.Message);
        foreach (var name in new[] { "primary", "replica1", "replica2" })
        {
            var service = await stack.Lab.Docker.Swarm.InspectServiceAsync($"{stack.Stack}_{name}");
            Assert.DoesNotContain("SWARM_PG_REJECT_TEST=1", service.Spec.TaskTemplate.ContainerSpec.Env ?? []);
        }
        Assert.False((await stack.Deploy()).Plan.HasChanges, "the rejected deploy left a change behind");
        await Waits.Until(async () => await stack.StreamingReplicas() == stack.Environment.Spec.Classic().Replicas.Count, TimeSpan.FromSeconds(120), "replicas streaming after the rollback");
    }

    [Fact]
    public async Task A_deploy_waits_for_the_lock_and_fails_naming_its_holder_and_break_lock_does_not_take_a_live_lease()
    {
        var restore = stack.EditEnvironment("  converge_timeout_seconds: 240\n", "  converge_timeout_seconds: 240\n  lock_timeout_seconds: 3\n");
        try
        {
            await using (await DeployLock.AcquireAsync(stack.Lab.Docker, stack.Stack, TimeSpan.FromSeconds(5), false, _ => { }))
            {
                var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => stack.Deploy());
                Assert.StartsWith($"pg-lab is locked by {DeployLock.Holder()} since", failure.Message);
                Assert.EndsWith("If that run is gone, its lease runs out after its term and the next deploy takes it over", failure.Message);

                var notBroken = await Assert.ThrowsAsync<PipelineFailedException>(() => stack.Deploy(new DeployOptions(BreakLock: true)));
                Assert.StartsWith($"pg-lab: {DeployLock.Holder()} since", notBroken.Message);
                Assert.Contains("holds a live lease", notBroken.Message);
            }
            Assert.DoesNotContain(await stack.Lab.Docker.Configs.ListConfigsAsync(), c => c.Spec.Name == DeployLock.NameFor(stack.Stack));
        }
        finally
        {
            restore();
        }
    }

    [Fact]
    public async Task A_changed_password_rotates_the_primary_first_then_each_replica_and_the_old_secret_goes()
    {
        var file = Path.Combine(stack.Layout.SecretsDirectory, "lab.json");
        var values = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file))!;
        await using (var primary = stack.ConnectPrimary())
        {
            var before = await stack.Scalar<string>(primary, "SELECT rolpassword FROM pg_authid WHERE rolname = 'replicator'");
            values["replication_password"] = Guid.NewGuid().ToString("N");
            File.WriteAllText(file, System.Text.Json.JsonSerializer.Serialize(values));

            var outcome = await stack.Deploy();

            Assert.Equal(["pg-lab_primary", "pg-lab_replica1", "pg-lab_replica2"], outcome.Updated);
            Assert.All(outcome.Plan.Changes.Where(c => c.Change == ChangeKind.Update), c => Assert.Equal("secrets", Assert.Single(c.Fields).Field));
            await using var after = stack.ConnectPrimary();
            Assert.NotEqual(before, await stack.Scalar<string>(after, "SELECT rolpassword FROM pg_authid WHERE rolname = 'replicator'"));
        }
        await stack.WaitUntilHealthy();
        var secrets = await stack.Lab.Docker.Secrets.ListAsync();
        Assert.Single(secrets, s => s.Spec.Name.StartsWith("pg-lab_replication_password_", StringComparison.Ordinal));
        Assert.DoesNotContain(values["replication_password"], stack.Output.ToString());
    }

    [Fact]
    public async Task A_changed_superuser_password_updates_the_primary_only_and_restarts_no_replica()
    {
        var file = Path.Combine(stack.Layout.SecretsDirectory, "lab.json");
        var original = File.ReadAllText(file);
        var values = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(original)!;
        var replicaTasks = await ReplicaTaskIds();
        try
        {
            values["superuser_password"] = Guid.NewGuid().ToString("N");
            File.WriteAllText(file, System.Text.Json.JsonSerializer.Serialize(values));

            var outcome = await stack.Deploy();

            Assert.Equal(["pg-lab_primary"], outcome.Updated);
            Assert.Equal("secrets", Assert.Single(outcome.Plan.For("service", "pg-lab_primary").Fields).Field);
            Assert.Equal("postgres", await ConnectAs("postgres", values["superuser_password"]));
            Assert.Equal(replicaTasks, await ReplicaTaskIds());
            Assert.DoesNotContain(values["superuser_password"], stack.Output.ToString());
        }
        finally
        {
            File.WriteAllText(file, original);
            await stack.Deploy();
            await stack.WaitUntilHealthy();
        }
    }

    private async Task<List<string>> ReplicaTaskIds()
    {
        var ids = new List<string>();
        foreach (var replica in stack.Environment.Spec.Classic().Replicas)
            ids.AddRange((await stack.RunningTasks(replica.Name)).Select(t => t.ID));
        return ids;
    }

    private async Task<string> ConnectAs(string user, string password)
    {
        var spec = stack.Environment.Spec.Classic().Primary;
        await using var connection = new NpgsqlConnection($"Host={spec.ConnectHost};Port={spec.Port};Username={user};Password={password};Database=postgres;Timeout=5;Pooling=false");
        return await stack.Scalar<string>(connection, "SELECT current_user::text");
    }

    /// <summary>
    /// What a deploy that sends an update would change: a service's spec and previous spec (an update, even of the same
    /// spec, moves the spec it replaced there) and which tasks run. Not the version index: Swarm bumps it by itself whenever
    /// it records something in the service (its updater's state, for one); CI once saw it move during a no-op deploy.
    /// </summary>
    private async Task<string> Snapshot()
    {
        var services = await stack.Lab.Docker.Swarm.ListServicesAsync();
        var tasks = await stack.Lab.Docker.Tasks.ListAsync(new Docker.DotNet.Models.TasksListParameters());
        return string.Join("\n", services.Where(s => s.Spec.Name.StartsWith("pg-lab_", StringComparison.Ordinal)).OrderBy(s => s.Spec.Name)
                   .Select(s => $"{s.Spec.Name} spec {System.Text.Json.JsonSerializer.Serialize(s.Spec)} previous {System.Text.Json.JsonSerializer.Serialize(s.PreviousSpec)}"))
            + "\n" + string.Join("\n", tasks.Where(t => t.DesiredState == Docker.DotNet.Models.TaskState.Running).Select(t => t.ID).Order());
    }
}
