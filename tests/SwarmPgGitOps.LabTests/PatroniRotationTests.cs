using System.Collections.Concurrent;
using System.Text.Json;
using Npgsql;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Secrets;
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
        await using var writer = await ContinuousWriter.StartAsync([LeaderAs(oldSuperuser), LeaderAs(values["superuser_password"])]);

        File.WriteAllText(stack.SecretsFile, JsonSerializer.Serialize(values));
        var outcome = await stack.Deploy();
        var deployed = clock.Elapsed;
        await writer.StopAsync();

        var log = stack.Output.ToString();
        Assert.Equal([$"{stack.StackName}_pg2", $"{stack.StackName}_pg3", $"{stack.StackName}_pg1"], outcome.Updated);
        Assert.All(outcome.Plan.Changes.Where(c => c.Change == ChangeKind.Update), c => Assert.Equal("secrets", Assert.Single(c.Fields).Field));
        Assert.Contains("setting the rotated passwords on the leader pg1 before the members restart with them", log);
        Assert.DoesNotContain(values["superuser_password"], log);
        Assert.DoesNotContain(values["replication_password"], log);
        Assert.DoesNotContain(values["rest_api_password"], log);
        Assert.Contains(" to pg1, the preferred leader", log); // patronictl in pg1, with the new REST API password, asked the updated leader
        Assert.Equal(["pg1"], await stack.Leaders());
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ContinuousWriter.OpenAsync([LeaderAs(oldSuperuser)]));
        Assert.Equal("28P01", refused.SqlState);
        await using (var leader = await ContinuousWriter.OpenAsync([LeaderAs(values["superuser_password"])]))
            Assert.Equal(0, await writer.MissingOn(leader));
        Assert.All((await stack.Smoke()).Checks, c => Assert.True(c.Passed, c.Describe() + " " + c.Hint));
        var secrets = (await stack.Lab.Docker.Secrets.ListAsync()).Select(s => s.Spec.Name).ToList();
        Assert.Single(secrets, s => s.StartsWith($"{stack.StackName}_superuser_password_", StringComparison.Ordinal));
        Assert.Single(secrets, s => s.StartsWith($"{stack.StackName}_replication_password_", StringComparison.Ordinal));
        Assert.Single(secrets, s => s.StartsWith($"{stack.StackName}_rest_api_password_", StringComparison.Ordinal));
        output.WriteLine($"rotation of the superuser, replication and REST API passwords over 3 members: deploy {deployed.TotalSeconds:0.0} s, "
            + $"{writer.Acknowledged.Count} writes acknowledged, 0 lost, longest gap between acknowledged writes {writer.LongestGap().TotalSeconds:0.0} s");
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
        // pg2's rolled-back task may still be starting when the deploy has failed.
        await Waits.Until(async () =>
        {
            try
            {
                return (await stack.Leaders()).Count > 0;
            }
            catch (NpgsqlException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(120), "every member to answer after the rollback");
        Assert.Equal(["pg1"], await stack.Leaders());
        await using (var connection = await ContinuousWriter.OpenAsync([LeaderAs(oldSuperuser)]))
            Assert.Equal("postgres", await PatroniLabStack.Scalar<string>(connection, "SELECT current_user::text"));
        await Waits.Until(async () => (await stack.Smoke()).Checks.All(c => c.Passed), TimeSpan.FromSeconds(120), "Smoke passing after the rollback");
        Assert.False((await stack.Deploy()).Plan.HasChanges, "the failed deploy left a change behind");
        output.WriteLine($"failed member update rolled back, previous passwords put back: {failed.TotalSeconds:0.0} s until the deploy failed");
    }

    [Fact]
    public async Task A_renewed_certificate_rolls_out_member_by_member_with_no_acknowledged_write_lost_after_a_new_CA_at_once_is_refused_before_any_change()
    {
        var members = stack.Members.Select(m => m.Name).ToArray();
        var names = PostgresTls.ServerNames(stack.Environment.Spec);
        var tasksBefore = await RunningTaskIds(members);
        await using var writer = await ContinuousWriter.StartAsync(stack.LeaderConnectionString());

        var foreign = TlsGenerator.Generate(TlsGenerator.PostgresServerName, names);
        var kept = File.ReadAllText(stack.SecretsFile);
        stack.WriteTls(foreign.Ca, foreign.Certificate, foreign.Key);
        PipelineFailedException refused;
        try
        {
            refused = await Assert.ThrowsAsync<PipelineFailedException>(() => stack.Deploy());
        }
        finally
        {
            File.WriteAllText(stack.SecretsFile, kept);
        }

        output.WriteLine(refused.Message);
        Assert.Contains("the new certificate (CN=swarm-pg-postgres, issued by CN=swarm-pg-postgres CA) is not signed by a CA the members trust now "
            + "(CN=swarm-pg-gitops test CA)", refused.Message);
        Assert.Contains("no service was changed", refused.Message);
        Assert.Equal(tasksBefore, await RunningTaskIds(members));

        const int renewedDays = 400;
        var (certificate, key) = stack.Authority.Issue(names, DateTimeOffset.UtcNow.AddDays(renewedDays));
        stack.WriteTls(stack.Authority.CaPem, certificate, key);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var printedBefore = stack.Output.ToString().Length;
        DeployOutcome outcome;
        try
        {
            outcome = await stack.Deploy();
        }
        finally
        {
            output.WriteLine(stack.Output.ToString()[printedBefore..]);
        }
        var deployed = clock.Elapsed;
        await writer.StopAsync();

        Assert.Equal([$"{stack.StackName}_pg2", $"{stack.StackName}_pg3", $"{stack.StackName}_pg1"], outcome.Updated.Where(u => members.Select(stack.Service).Contains(u)));
        Assert.Equal(["pg1"], await stack.Leaders());
        // Smoke verifies every member's certificate and reports when each expires: the renewed one's date, on every member.
        var report = await stack.Smoke();
        Assert.All(report.Checks, c => Assert.True(c.Passed, c.Describe() + " " + c.Hint));
        var expiries = report.Checks.Where(c => c.Name == SwarmPgGitOps.Smoke.TlsChecks.Name).ToList();
        Assert.Equal(members.Length, expiries.Count);
        var renewedExpiry = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(certificate).NotAfter.ToUniversalTime();
        Assert.All(expiries, c => Assert.StartsWith($"expires {renewedExpiry:yyyy-MM-dd}", c.Value));
        await using (var leader = await ContinuousWriter.OpenAsync([stack.LeaderConnectionString()]))
        {
            Assert.Equal(0, await writer.MissingOn(leader));
            var walsenders = await PatroniLabStack.Scalar<string>(leader,
                "SELECT string_agg(r.application_name || ':' || s.ssl, ',' ORDER BY r.application_name) FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid)");
            Assert.Equal(["pg2:true", "pg3:true"], walsenders.Split(','));
        }
        output.WriteLine($"renewed certificate over 3 members: deploy {deployed.TotalSeconds:0.0} s, {writer.Acknowledged.Count} writes acknowledged, 0 lost, "
            + $"longest gap between acknowledged writes {writer.LongestGap().TotalSeconds:0.0} s");
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

    private string LeaderAs(string password) => new NpgsqlConnectionStringBuilder(stack.LeaderConnectionString()) { Password = password }.ConnectionString;
}
