using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// Faults against the real lab. Rows written before each fault must all be there after it. Each test leaves the
/// fault stack healthy again. The README's fault table lists these tests by their Fault trait.
/// They break only their own stack (pg-fault): they stop no engine and cut no node off, so they run in the first pass,
/// in the lane of the Patroni classes (not in the Fault category, whose classes run alone).
/// </summary>
[Collection("patroni")]
public class FaultTests(FaultLabStack stack) : IClassFixture<FaultLabStack>
{
    [Fact]
    [Trait("Fault", "replica task killed")]
    public async Task A_killed_replica_comes_back_streaming_without_a_new_base_backup()
    {
        await stack.WaitUntilHealthy();
        var rows = await stack.WriteCanaries(5);
        var (container, node) = await stack.RunningContainer("replica1");

        await LabFixture.DockerCli(node.Socket, ["kill", container]);
        await Waits.Until(async () => await stack.RunningContainerId("replica1") is { } id && id != container, TimeSpan.FromSeconds(90), "a new replica1 task");
        await stack.WaitUntilHealthy();

        var logs = await stack.RunningContainerLogs("replica1");
        Assert.Contains("resuming streaming without a new base backup", logs);
        Assert.DoesNotContain("no data: copying the primary with pg_basebackup", logs);
        await stack.AssertCanaries(rows);
    }

    [Fact]
    [Trait("Fault", "primary restarted")]
    public async Task A_killed_primary_restarts_with_every_acknowledged_write_and_replicas_stream_again()
    {
        await stack.WaitUntilHealthy();
        var rows = await stack.WriteCanaries(20);
        var (container, node) = await stack.RunningContainer("primary");

        await LabFixture.DockerCli(node.Socket, ["kill", container]);
        await Waits.Until(async () => await stack.RunningContainerId("primary") is { } id && id != container, TimeSpan.FromSeconds(120), "a new primary task");
        await stack.WaitUntilHealthy();

        await stack.AssertCanaries(rows);
        await stack.AssertCanaries(await stack.WriteCanaries(1));
    }

    [Fact]
    [Trait("Fault", "replica volume removed")]
    public async Task A_replica_whose_volume_was_removed_bootstraps_again_and_streams()
    {
        await stack.WaitUntilHealthy();
        var rows = await stack.WriteCanaries(5);
        var (_, node) = await stack.RunningContainer("replica2");
        var service = $"{stack.Stack}_replica2";

        await LabFixture.DockerCli(stack.Lab.Info.Endpoint, ["service", "scale", "--detach=true", $"{service}=0"]);
        try
        {
            await Waits.Until(async () => (await LabFixture.DockerCli(node.Socket, ["ps", "-q", "--filter", $"label=com.docker.swarm.service.name={service}"])).Trim().Length == 0,
                TimeSpan.FromSeconds(60), "replica2's container to stop");
            var stopped = (await LabFixture.DockerCli(node.Socket, ["ps", "-aq", "--filter", $"label=com.docker.swarm.service.name={service}"])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            await LabFixture.DockerCli(node.Socket, ["rm", .. stopped]);
            await LabFixture.DockerCli(node.Socket, ["volume", "rm", $"{stack.Stack}_replica2_data"]);
        }
        finally
        {
            await LabFixture.DockerCli(stack.Lab.Info.Endpoint, ["service", "scale", "--detach=true", $"{service}=1"]);
        }
        await stack.WaitUntilHealthy();

        Assert.Contains("no data: copying the primary with pg_basebackup through slot replica2", await stack.RunningContainerLogs("replica2"));
        await stack.AssertCanaries(rows);
    }

    [Fact]
    [Trait("Fault", "deploy process killed halfway")]
    public async Task A_deploy_process_killed_halfway_leaves_a_lease_that_the_next_deploy_takes_over_after_its_term_and_converges()
    {
        await stack.WaitUntilHealthy();
        var rows = await stack.WriteCanaries(3);
        var restore = stack.EditEnvironment("      log_connections: \"on\"\n", "      log_connections: \"on\"\n      work_mem: 6MB\n");
        var lease = stack.EditEnvironment("  converge_timeout_seconds: 240\n", "  converge_timeout_seconds: 240\n  lock_lease_seconds: 20\n");
        try
        {
            await KillDeployWhenItPrints($"updating {stack.Stack}_primary");

            var locks = await stack.Lab.Docker.Configs.ListConfigsAsync();
            Assert.Contains(locks, c => c.Spec.Name == DeployLock.NameFor(stack.Stack));
            var live = await Assert.ThrowsAsync<PipelineFailedException>(() => stack.Deploy(new DeployOptions(BreakLock: true)));
            Assert.Contains("holds a live lease", live.Message);

            await Task.Delay(TimeSpan.FromSeconds(21)); // the killed run's lease term runs out (the manager's clock decides)
            var outcome = await stack.Deploy();

            Assert.Contains("taking over the lease of", stack.Output.ToString());
            Assert.Contains("pg-fault_replica1", outcome.Updated);
            Assert.DoesNotContain(await stack.Lab.Docker.Configs.ListConfigsAsync(), c => c.Spec.Name.StartsWith($"{stack.Stack}_deploy_", StringComparison.Ordinal));
            await stack.WaitUntilHealthy();
            await stack.AssertCanaries(rows);
        }
        finally
        {
            lease();
            restore();
            foreach (var leftover in (await stack.Lab.Docker.Configs.ListConfigsAsync()).Where(c => c.Spec.Name.StartsWith($"{stack.Stack}_deploy_", StringComparison.Ordinal)))
                await stack.Lab.Docker.Configs.RemoveConfigAsync(leftover.ID);
        }
    }

    [Fact]
    [Trait("Fault", "deploy cancelled halfway (SIGTERM)")]
    public async Task A_deploy_cancelled_halfway_rolls_back_what_it_changed_and_releases_its_lease()
    {
        await stack.WaitUntilHealthy();
        var rows = await stack.WriteCanaries(3);
        var restore = stack.EditEnvironment("      log_connections: \"on\"\n", "      log_connections: \"on\"\n      work_mem: 5MB\n");
        try
        {
            await KillDeployWhenItPrints($"updating {stack.Stack}_primary", "TERM");
            await Waits.Until(async () => (await stack.Lab.Docker.Configs.ListConfigsAsync()).All(c => c.Spec.Name != DeployLock.NameFor(stack.Stack)),
                TimeSpan.FromSeconds(300), "the cancelled deploy to roll back and release its lease");
            restore();

            var next = await stack.Deploy();

            Assert.False(next.Plan.HasChanges, "the cancelled deploy left a change behind");
            Assert.DoesNotContain(await stack.Lab.Docker.Configs.ListConfigsAsync(), c => c.Spec.Name.StartsWith($"{stack.Stack}_deploy_", StringComparison.Ordinal));
            await stack.WaitUntilHealthy();
            await stack.AssertCanaries(rows);
        }
        finally
        {
            restore();
        }
    }

    [Fact]
    [Trait("Fault", "swarm endpoint unreachable or wrong TLS certificate")]
    public async Task An_unreachable_endpoint_or_a_wrong_tls_certificate_fails_clearly_and_changes_nothing()
    {
        await stack.WaitUntilHealthy();
        var before = await ServiceVersions();

        var unreachable = stack.EditEnvironment("endpoint: unix:///run/swarm-pg-lab/node1/docker.sock", "endpoint: unix:///run/swarm-pg-lab/nowhere.sock");
        try
        {
            var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => stack.Deploy());
            Assert.Equal("preflight failed for lab; nothing was changed", failure.Message);
            Assert.Contains("preflight: cannot reach the Docker engine at unix:///run/swarm-pg-lab/nowhere.sock", stack.Output.ToString());
        }
        finally
        {
            unreachable();
        }

        // The manager's real TLS endpoint, with a folder whose CA did not sign the manager's certificate.
        var certificates = ForeignCertificates.ClientFolder();
        var tlsEndpoint = new Uri(stack.Lab.Info.TlsEndpoint);
        var (find, replace) = LabFixture.TlsEndpoint(tlsEndpoint.ToString(), certificates);
        var wrongTls = stack.EditEnvironment(find, replace);
        try
        {
            var failure = await Assert.ThrowsAsync<PipelineFailedException>(() => stack.Deploy());
            Assert.Equal("preflight failed for lab; nothing was changed", failure.Message);
            Assert.Contains($"preflight: cannot reach the Docker engine at {tlsEndpoint}", stack.Output.ToString());
            Assert.Contains("certificate", stack.Output.ToString(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            wrongTls();
            Directory.Delete(certificates, recursive: true);
        }

        Assert.Equal(before, await ServiceVersions());
    }

    [Fact]
    [Trait("Fault", "slot left behind by a removed replica")]
    public async Task A_slot_left_by_a_removed_replica_is_reported_by_smoke_and_dropped_by_deploy_prune()
    {
        await stack.WaitUntilHealthy();
        var replica2 = stack.Environment.Spec.Classic().Replicas[1];
        var (_, node) = await stack.RunningContainer(replica2.Name);
        var file = stack.Layout.EnvironmentFile("lab");
        var original = File.ReadAllText(file);
        var start = original.IndexOf("  - name: replica2", StringComparison.Ordinal);
        var end = original.IndexOf("\naccess:", StringComparison.Ordinal);
        File.WriteAllText(file, original.Remove(start, end - start).Replace("\n\n\naccess:", "\n\naccess:"));
        try
        {
            await LabFixture.DockerCli(stack.Lab.Info.Endpoint, ["service", "rm", $"{stack.Stack}_{replica2.Name}"]);
            await Waits.Until(async () => await StraySlotActive(replica2.Slot) == false, TimeSpan.FromSeconds(60), "the slot to be released");

            var smoke = await Assert.ThrowsAsync<PipelineFailedException>(() => new SmokeStep(stack.Layout, Console(), null).RunAsync("lab"));
            Assert.Contains("slot.stray", smoke.Message);
            Assert.Contains(replica2.Slot, smoke.Message);

            await stack.Deploy(new DeployOptions(Prune: true));

            Assert.Null(await StraySlotActive(replica2.Slot));
            Assert.Contains($"dropped replication slot {replica2.Slot}", stack.Output.ToString());
            await new SmokeStep(stack.Layout, Console(), null).RunAsync("lab");
        }
        finally
        {
            File.WriteAllText(file, original);
            await LabFixture.DockerCli(node.Socket, ["volume", "rm", "-f", $"{stack.Stack}_{replica2.Name}_data"], check: false);
            await stack.Deploy();
            await stack.WaitUntilHealthy();
        }
    }

    private Spectre.Console.IAnsiConsole Console() => LabStack.PlainConsole(stack.Output);

    /// <summary>null when the slot does not exist, else whether a walsender holds it.</summary>
    private async Task<bool?> StraySlotActive(string slot)
    {
        await using var primary = stack.ConnectPrimary();
        var rows = await stack.Scalar<long>(primary, $"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{slot}'");
        return rows == 0 ? null : await stack.Scalar<bool>(primary, $"SELECT active FROM pg_replication_slots WHERE slot_name = '{slot}'");
    }

    private async Task<string> ServiceVersions() =>
        string.Join(",", (await stack.Lab.Docker.Swarm.ListServicesAsync()).Where(s => s.Spec.Name.StartsWith(stack.Stack + "_", StringComparison.Ordinal))
            .OrderBy(s => s.Spec.Name).Select(s => $"{s.Spec.Name}@{s.Version.Index}"));

    /// <summary>
    /// Runs the real `Deploy` task (Cake over the built library) in a process of its own and kills its process tree,
    /// hard, once it prints the given line. The scratch project gets the environment under another name, so that the
    /// task does not try to bring the lab up from the scratch folder.
    /// </summary>
    private async Task KillDeployWhenItPrints(string line, string signal = "KILL")
    {
        var root = stack.Layout.Root;
        File.Copy(stack.Layout.EnvironmentFile("lab"), stack.Layout.EnvironmentFile("fault"), overwrite: true);
        File.Copy(Path.Combine(root, ".secrets", "lab.json"), Path.Combine(root, ".secrets", "fault.json"), overwrite: true);
        Directory.CreateDirectory(Path.Combine(root, ".config"));
        File.Copy(Path.Combine(stack.Lab.Layout.Root, ".config", "dotnet-tools.json"), Path.Combine(root, ".config", "dotnet-tools.json"), overwrite: true);

        // build.cake loads the Release build of the library, which a Debug test run does not refresh.
        var build = await Cli.Wrap("dotnet").WithArguments(["build", Path.Combine(stack.Lab.Layout.Root, "build", "SwarmPgGitOps"), "-c", "Release", "--nologo", "-v", "q"])
            .WithValidation(CommandResultValidation.None).ExecuteAsync();
        Assert.Equal(0, build.ExitCode);

        // setsid gives the deploy a process group of its own, so that the kill reaches dotnet, Cake and all below.
        var seen = new TaskCompletionSource();
        var printed = new System.Text.StringBuilder();
        var command = Cli.Wrap("setsid")
            .WithArguments(["dotnet", "tool", "run", "dotnet-cake", Path.Combine(stack.Lab.Layout.Root, "build", "build.cake"), "--target=Deploy", "--env=fault", $"--root={root}"])
            .WithWorkingDirectory(root)
            .WithValidation(CommandResultValidation.None)
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(printed))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(output =>
            {
                printed.AppendLine(output);
                if (output.Contains(line, StringComparison.Ordinal))
                    seen.TrySetResult();
            }));
        var running = command.ExecuteAsync();
        var first = await Task.WhenAny(seen.Task, running.Task, Task.Delay(TimeSpan.FromSeconds(180)));
        if (first == seen.Task)
            Process.Start("kill", [$"-{signal}", "--", $"-{running.ProcessId}"])!.WaitForExit();
        await running.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(seen.Task.IsCompleted, $"the deploy process never printed '{line}':\n{printed}");
    }
}
