using System.Collections.Concurrent;
using System.Text.Json;
using Npgsql;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Waiting;
using Xunit.Abstractions;

namespace SwarmPgGitOps.LabTests;

/// <summary>Password rotation and rollback on the Patroni layout, on the lab, under a small writer.</summary>
[Collection("patroni")]
public class PatroniRotationTests(PatroniRotationLabStack stack, ITestOutputHelper output) : IClassFixture<PatroniRotationLabStack>
{
    private const string MissingImage = "swarm-pg/postgres:17-missing";

    [Fact]
    public async Task Rotated_superuser_replication_and_REST_API_passwords_take_effect_with_no_acknowledged_write_lost_every_member_streaming_and_the_old_secrets_gone()
    {
        var oldSuperuser = stack.Passwords.SuperuserPassword;
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(stack.SecretsFile))!;
        values["superuser_password"] = Guid.NewGuid().ToString("N");
        values["replication_password"] = Guid.NewGuid().ToString("N");
        values["rest_api_password"] = Guid.NewGuid().ToString("N");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var writer = await Writer.StartAsync(stack, [oldSuperuser, values["superuser_password"]]);

        File.WriteAllText(stack.SecretsFile, JsonSerializer.Serialize(values));
        var outcome = await stack.Deploy();
        var deployed = clock.Elapsed;
        var acknowledged = await writer.StopAsync();

        var log = stack.Output.ToString();
        Assert.Equal([$"{stack.StackName}_pg2", $"{stack.StackName}_pg3", $"{stack.StackName}_pg1"], outcome.Updated);
        Assert.All(outcome.Plan.Changes.Where(c => c.Change == ChangeKind.Update), c => Assert.Equal("secrets", Assert.Single(c.Fields).Field));
        Assert.Contains("setting the rotated passwords on the leader pg1 before the members restart with them", log);
        Assert.DoesNotContain(values["superuser_password"], log);
        Assert.DoesNotContain(values["replication_password"], log);
        Assert.DoesNotContain(values["rest_api_password"], log);
        Assert.Contains(" to pg1, the preferred leader", log); // patronictl in pg1, with the new REST API password, asked the updated leader
        Assert.Equal(["pg1"], await stack.Leaders());
        var refused = await Assert.ThrowsAsync<PostgresException>(() => Writer.OpenAsync(stack, [oldSuperuser]));
        Assert.Equal("28P01", refused.SqlState);
        Assert.Equal(0, await Writer.MissingAsync(stack, acknowledged));
        Assert.All((await stack.Smoke()).Checks, c => Assert.True(c.Passed, c.Describe() + " " + c.Hint));
        var secrets = (await stack.Lab.Docker.Secrets.ListAsync()).Select(s => s.Spec.Name).ToList();
        Assert.Single(secrets, s => s.StartsWith($"{stack.StackName}_superuser_password_", StringComparison.Ordinal));
        Assert.Single(secrets, s => s.StartsWith($"{stack.StackName}_replication_password_", StringComparison.Ordinal));
        Assert.Single(secrets, s => s.StartsWith($"{stack.StackName}_rest_api_password_", StringComparison.Ordinal));
        output.WriteLine($"rotation of the superuser, replication and REST API passwords over 3 members: deploy {deployed.TotalSeconds:0.0} s, "
            + $"{acknowledged.Count} writes acknowledged, 0 lost, longest gap between acknowledged writes {Writer.LongestGap(acknowledged).TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task A_rotation_whose_first_member_update_fails_is_rolled_back_with_the_old_passwords_one_leader_and_every_member_streaming()
    {
        var original = File.ReadAllText(stack.SecretsFile);
        var oldSuperuser = stack.Passwords.SuperuserPassword;
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(original)!;
        values["superuser_password"] = Guid.NewGuid().ToString("N");
        values["replication_password"] = Guid.NewGuid().ToString("N");
        var tasksBefore = await RunningTaskIds("pg1", "pg3");
        var progress = new ConcurrentQueue<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        DeployFailedException failure;
        File.WriteAllText(stack.SecretsFile, JsonSerializer.Serialize(values));
        try
        {
            using var target = await SwarmTarget.PrepareAsync(stack.Layout, LabStack.PlainConsole(stack.Output), "lab");
            foreach (var member in target.Desired.Services.Where(s => s.Role == StackContainerLocator.MemberRole))
                member.Spec.TaskTemplate.ContainerSpec.Image = MissingImage;
            var docker = new DockerSwarmApi(target.Docker);
            var rollout = PatroniRollout.For(target.Environment.Spec, docker, Waiter.System, progress.Enqueue, _ => Task.CompletedTask,
                LeaderRolePasswords.For(target.Environment, target.Secrets, docker));

            failure = await Assert.ThrowsAsync<DeployFailedException>(() =>
                new SwarmDeployer(docker, Waiter.System, progress.Enqueue, rollout).DeployAsync(target.Desired, TimeSpan.FromSeconds(240), new DeployOptions()));
        }
        finally
        {
            File.WriteAllText(stack.SecretsFile, original);
        }
        var failed = clock.Elapsed;

        output.WriteLine(failure.Message);
        Assert.StartsWith($"deploy failed: {stack.StackName}_pg2:", failure.Message);
        Assert.Contains("No such image", failure.Message);
        Assert.Contains($"rolled back: {stack.StackName}_pg2", failure.Message);
        Assert.DoesNotContain("rollback failed", failure.Message);
        Assert.Contains("putting the previous passwords back on the leader pg1: the members roll back to them", progress);
        Assert.DoesNotContain(progress, p => p.StartsWith("switching over", StringComparison.Ordinal));
        foreach (var member in stack.Members)
        {
            var service = await stack.Lab.Docker.Swarm.InspectServiceAsync($"{stack.StackName}_{member.Name}");
            Assert.NotEqual(MissingImage, service.Spec.TaskTemplate.ContainerSpec.Image);
        }
        Assert.Equal(tasksBefore, await RunningTaskIds("pg1", "pg3"));
        Assert.Equal(["pg1"], await stack.Leaders());
        await using (var connection = await Writer.OpenAsync(stack, [oldSuperuser]))
            Assert.Equal("postgres", await PatroniLabStack.Scalar<string>(connection, "SELECT current_user::text"));
        await Waits.Until(async () => (await stack.Smoke()).Checks.All(c => c.Passed), TimeSpan.FromSeconds(120), "Smoke passing after the rollback");
        Assert.False((await stack.Deploy()).Plan.HasChanges, "the failed deploy left a change behind");
        output.WriteLine($"failed member update rolled back, previous passwords put back: {failed.TotalSeconds:0.0} s until the deploy failed");
    }

    private async Task<List<string>> RunningTaskIds(params string[] members)
    {
        var ids = new List<string>();
        foreach (var member in members)
        {
            var tasks = await stack.Lab.Docker.Tasks.ListAsync(new Docker.DotNet.Models.TasksListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [$"{stack.StackName}_{member}"] = true } },
            });
            ids.AddRange(tasks.Where(t => t.Status.State == Docker.DotNet.Models.TaskState.Running).Select(t => t.ID).Order(StringComparer.Ordinal));
        }
        return ids;
    }

    /// <summary>Inserts a row on the leader every 25 ms, logging in with the first of the passwords given that the leader accepts.</summary>
    private sealed class Writer : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<(long Id, TimeSpan At)> _acknowledged = new();
        private Task _running = Task.CompletedTask;

        public static async Task<Writer> StartAsync(PatroniLabStack stack, IReadOnlyList<string> passwords)
        {
            await using (var setup = await OpenAsync(stack, passwords))
                await PatroniLabStack.Scalar<int>(setup, "CREATE TABLE IF NOT EXISTS public.rotation (id bigserial PRIMARY KEY); SELECT 1");
            var writer = new Writer();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            writer._running = Task.Run(async () =>
            {
                while (!writer._stop.IsCancellationRequested)
                {
                    try
                    {
                        await using var connection = await OpenAsync(stack, passwords);
                        writer._acknowledged.Enqueue((await PatroniLabStack.Scalar<long>(connection, "INSERT INTO public.rotation DEFAULT VALUES RETURNING id"), clock.Elapsed));
                    }
                    catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
                    {
                    }
                    await Task.Delay(25);
                }
            });
            return writer;
        }

        public async Task<IReadOnlyList<(long Id, TimeSpan At)>> StopAsync()
        {
            await _stop.CancelAsync();
            await _running;
            return _acknowledged.ToList();
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }

        /// <summary>A connection to the leader with the first password it accepts; the last refusal when it accepts none.</summary>
        public static async Task<NpgsqlConnection> OpenAsync(PatroniLabStack stack, IReadOnlyList<string> passwords)
        {
            PostgresException? refused = null;
            foreach (var password in passwords)
            {
                var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(stack.LeaderConnectionString()) { Password = password }.ConnectionString);
                try
                {
                    await connection.OpenAsync();
                    return connection;
                }
                catch (PostgresException e) when (e.SqlState == "28P01")
                {
                    refused = e;
                    await connection.DisposeAsync();
                }
            }
            throw refused!;
        }

        public static async Task<long> MissingAsync(PatroniLabStack stack, IReadOnlyList<(long Id, TimeSpan At)> acknowledged)
        {
            Assert.NotEmpty(acknowledged);
            await using var leader = new NpgsqlConnection(stack.LeaderConnectionString());
            return await PatroniLabStack.Scalar<long>(leader,
                $"SELECT count(*) FROM unnest(ARRAY[{string.Join(",", acknowledged.Select(a => a.Id))}]::bigint[]) AS a(id) WHERE NOT EXISTS (SELECT 1 FROM public.rotation r WHERE r.id = a.id)");
        }

        public static TimeSpan LongestGap(IReadOnlyList<(long Id, TimeSpan At)> acknowledged)
        {
            var times = acknowledged.Select(a => a.At).Order().ToList();
            return times.Zip(times.Skip(1), (a, b) => b - a).DefaultIfEmpty().Max();
        }
    }
}
