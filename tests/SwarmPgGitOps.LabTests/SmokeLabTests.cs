using SwarmPgGitOps.Waiting;
using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using Spectre.Console;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Smoke;
using Xunit.Abstractions;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// The Smoke step against a real cluster of its own: healthy, then broken in one way at a time (a stopped replica, a
/// stray slot, a dropped slot), each restored before the test ends.
/// </summary>
[Collection("lab")]
public class SmokeLabTests(SmokeLabStack smoke, ITestOutputHelper output) : IClassFixture<SmokeLabStack>
{
    /// <summary>Fails fast when a service is down on purpose: two quick retries instead of the pipeline's patient ones.</summary>
    private static readonly RetrySchedule QuickRetry = new(2, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200));

    private LabStack Stack => smoke;

    [Fact]
    public async Task A_healthy_cluster_passes_every_check_and_writes_smoke_json_and_the_step_summary()
    {
        await Stack.WaitUntilHealthy();
        var summary = Path.Combine(smoke.Layout.Root, "step-summary.md");

        var (first, _) = await RunSmoke(variable: name => name == "GITHUB_STEP_SUMMARY" ? summary : Environment.GetEnvironmentVariable(name));
        var clock = Stopwatch.StartNew();
        var (second, printed) = await RunSmoke();
        var total = clock.Elapsed;

        var report = Assert.Single(second);
        Assert.True(report.Passed, string.Join("\n", report.Failures.Select(f => f.Describe())));
        Assert.DoesNotContain(Stack.SuperuserPassword, printed);
        Assert.DoesNotContain(Stack.ReplicationPassword, printed);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(smoke.Layout.ArtifactsFor("lab"), "smoke.json")));
        var root = json.RootElement;
        Assert.Equal("lab", root.GetProperty("environment").GetString());
        Assert.Equal(SmokeLabStack.StackName, root.GetProperty("stack").GetString());
        Assert.True(root.GetProperty("passed").GetBoolean());
        var checks = root.GetProperty("checks").EnumerateArray().ToList();
        Assert.All(checks, c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));
        var names = checks.Select(c => (c.GetProperty("name").GetString(), c.GetProperty("target").GetString())).ToHashSet();
        foreach (var replica in smoke.Environment.Spec.Classic().Replicas)
        {
            foreach (var name in new[] { "replication.streaming", "replication.sync_state", "replication.replay_lag_bytes", "replication.replay_lag_time", "slot" })
                Assert.Contains((name, $"primary→{replica.Name}"), names);
            foreach (var name in new[] { "connect", "recovery", "wal_receiver.status", "wal_receiver.slot", "replay_backlog_bytes", "primary_conninfo", "read_only", "system_identifier", "timeline", "canary.round_trip", "replay_age" })
                Assert.Contains((name, replica.Name), names);
        }
        foreach (var name in new[] { "connect", "recovery", "slot.stray", "setting.max_slot_wal_keep_size_bounded", "setting.wal_level", "setting.max_wal_senders",
                     "setting.max_replication_slots", "setting.password_encryption", "setting.synchronous_standby_names", "setting.hot_standby", "setting.max_slot_wal_keep_size",
                     "hba.errors", "hba.network_methods", "hba.any_address", "hba.replication_rule", "role.replication_password", "canary.write" })
            Assert.Contains((name, "primary"), names);
        var canary = root.GetProperty("canary").EnumerateArray().ToList();
        Assert.Equal(smoke.Environment.Spec.Classic().Replicas.Select(r => r.Name), canary.Select(c => c.GetProperty("replica").GetString()));
        Assert.All(canary, c => Assert.InRange(c.GetProperty("round_trip_ms").GetDouble(), 0.01, smoke.Environment.Spec.Smoke.CanaryTimeoutSeconds * 1000.0));

        await using (var primary = Stack.ConnectPrimary())
            Assert.Equal(1L, await Stack.Scalar<long>(primary, "SELECT count(*) FROM public.swarm_pg_canary"));
        Assert.Contains("| Check | Target | Value | Threshold | Result |", File.ReadAllText(summary));
        Assert.Contains("### Live topology of lab\n", File.ReadAllText(summary));
        Assert.Contains("```mermaid\nflowchart TB\n", File.ReadAllText(Path.Combine(smoke.Layout.ArtifactsFor("lab"), "topology-smoke.md")));

        output.WriteLine($"smoke timing: first run {Milliseconds(Assert.Single(first).Duration)} ms (cold), second run {Milliseconds(report.Duration)} ms checks, {Milliseconds(total)} ms step total");
        output.WriteLine($"smoke timing: canary round trip {string.Join(", ", report.Canary.Select(a => $"{a.Replica} {Milliseconds(a.RoundTrip!.Value)} ms"))}");
    }

    [Fact]
    public async Task A_stopped_replica_fails_the_streaming_check_naming_it()
    {
        await Stack.WaitUntilHealthy();
        var replica = smoke.Environment.Spec.Classic().Replicas[^1];
        var service = $"{Stack.Stack}_{replica.Name}";
        try
        {
            await LabFixture.DockerCli(Stack.Lab.Info.Endpoint, ["service", "scale", "--detach=true", $"{service}=0"]);
            await Waits.Until(async () => (await Stack.RunningTasks(replica.Name)).Count == 0 && await Stack.StreamingReplicas() < smoke.Environment.Spec.Classic().Replicas.Count,
                TimeSpan.FromSeconds(90), $"{service} to stop");

            var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => RunSmoke(QuickRetry));

            Assert.Contains($"replication.streaming on primary→{replica.Name} = no walsender", failure.Message);
            Assert.Contains($"connect on {replica.Name}", failure.Message);
            var failed = FailedChecks();
            Assert.Contains(("slot", $"primary→{replica.Name}"), failed);
            Assert.DoesNotContain(failed, f => f.Target.Contains(smoke.Environment.Spec.Classic().Replicas[0].Name, StringComparison.Ordinal));
        }
        finally
        {
            await LabFixture.DockerCli(Stack.Lab.Info.Endpoint, ["service", "scale", "--detach=true", $"{service}=1"]);
            await Stack.WaitUntilHealthy();
        }
    }

    [Fact]
    public async Task A_stray_inactive_slot_fails_the_stray_slot_check()
    {
        await Stack.WaitUntilHealthy();
        await using var primary = Stack.ConnectPrimary();
        await Stack.Scalar<string>(primary, "SELECT slot_name::text FROM pg_create_physical_replication_slot('stray')");
        try
        {
            var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => RunSmoke());

            Assert.Contains("slot.stray on primary = stray (expected no inactive unknown slots)", failure.Message);
            Assert.Equal(new[] { ("slot.stray", "primary") }, FailedChecks());
        }
        finally
        {
            await Stack.Scalar<object>(primary, "SELECT pg_drop_replication_slot('stray')");
        }
        Assert.True(Assert.Single((await RunSmoke()).Reports).Passed);
    }

    [Fact]
    public async Task A_dropped_slot_fails_the_slot_check_of_its_replica()
    {
        await Stack.WaitUntilHealthy();
        var replica = smoke.Environment.Spec.Classic().Replicas[0];
        await using var primary = Stack.ConnectPrimary();
        try
        {
            // An active slot cannot be dropped: end its walsender and drop the slot at once, before the replica
            // reconnects; when it was quicker (SQLSTATE 55006, object in use), try again.
            await Waits.Until(async () =>
            {
                await Stack.Scalar<object>(primary, $"SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '{replica.Slot}' AND active_pid IS NOT NULL");
                for (var attempt = 0; attempt < 40; attempt++)
                {
                    try
                    {
                        await Stack.Scalar<object>(primary, $"SELECT pg_drop_replication_slot('{replica.Slot}')");
                        return true;
                    }
                    catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
                    {
                        await Task.Delay(50);
                    }
                }
                return false;
            }, TimeSpan.FromSeconds(30), "the slot to be dropped");

            var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => RunSmoke(QuickRetry));

            Assert.Contains($"slot on primary→{replica.Name} = missing", failure.Message);
        }
        finally
        {
            await Stack.Scalar<object>(primary,
                $"SELECT pg_create_physical_replication_slot('{replica.Slot}', true) WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = '{replica.Slot}')");
            await Stack.WaitUntilHealthy();
        }
    }

    [Fact]
    public async Task Without_connect_hosts_the_services_are_found_in_the_swarm()
    {
        await Stack.WaitUntilHealthy();
        var text = string.Join('\n', File.ReadAllLines(smoke.Layout.EnvironmentFile("lab")).Where(l => !l.TrimStart().StartsWith("connect_host:", StringComparison.Ordinal)));
        var document = EnvironmentLoader.Parse(text, "environments/lab.yml", "lab").Unwrap();
        Assert.Null(document.Spec.Classic().Primary.ConnectHost);

        var report = await new SmokeRunner().RunAsync(document, new SecretResolver(smoke.Layout).Resolve(document).Unwrap());

        Assert.True(report.Passed, string.Join("\n", report.Failures.Select(f => f.Describe())));
        Assert.Equal(
            [("primary", "192.168.77.11", 5442, "swarm"), ("replica1", "192.168.77.12", 5443, "swarm"), ("replica2", "192.168.77.13", 5444, "swarm")],
            report.Targets.Select(t => (t.Name, t.Host, t.Port, t.Source)));
    }

    private async Task<(IReadOnlyList<SmokeReport> Reports, string Printed)> RunSmoke(RetrySchedule? retry = null, Func<string, string?>? variable = null)
    {
        var printed = new StringWriter();
        var console = LabStack.PlainConsole(printed);
        try
        {
            return (await new SmokeStep(smoke.Layout, console, retry, variable).RunAsync("lab"), printed.ToString());
        }
        finally
        {
            output.WriteLine(printed.ToString());
        }
    }

    private List<(string Name, string Target)> FailedChecks()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(smoke.Layout.ArtifactsFor("lab"), "smoke.json")));
        return json.RootElement.GetProperty("checks").EnumerateArray()
            .Where(c => !c.GetProperty("passed").GetBoolean())
            .Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("target").GetString()!))
            .ToList();
    }

    private static string Milliseconds(TimeSpan time) => time.TotalMilliseconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
