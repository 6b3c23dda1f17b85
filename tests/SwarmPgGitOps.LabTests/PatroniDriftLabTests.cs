using System.Diagnostics;
using System.Text.Json;
using SwarmPgGitOps.Drift;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Swarm;
using Xunit.Abstractions;

namespace SwarmPgGitOps.LabTests;

/// <summary>The Patroni lab fixture on a stack of its own (pg-hd, ports 5522-5524, subnet 10.212.0.0/24): this class changes Patroni by hand.</summary>
public sealed class PatroniDriftLabStack() : PatroniLabStack("pg-hd", 5522, 212);

/// <summary>
/// Drift and Plan on the Patroni layout against a real cluster: in sync after Deploy; then Patroni's dynamic configuration
/// changed and the leadership switched over by hand, both reported by Drift and planned by Plan; then Deploy puts git's
/// state back and Drift is in sync again.
/// </summary>
[Collection("patroni")]
public class PatroniDriftLabTests(PatroniDriftLabStack stack, ITestOutputHelper output) : IClassFixture<PatroniDriftLabStack>
{
    private const string Preferred = "pg1";

    [Fact]
    public async Task Hand_changes_to_Patroni_are_reported_by_Drift_planned_by_Plan_and_put_back_by_Deploy()
    {
        var clock = Stopwatch.StartNew();
        var inSync = Assert.Single(await Drift());
        Assert.True(inSync.InSync, string.Join("\n", inSync.Items));
        output.WriteLine($"drift in sync after deploy: {clock.Elapsed.TotalSeconds:0.0} s");

        await Ctl("edit-config", "--set", "loop_wait=7", "--pg", "work_mem=8MB", "--force");
        var cluster = await List();
        var candidate = cluster.Members.First(m => m.Name != Preferred && MemberRollout.IsSynchronous(m)).Name;
        await Ctl("switchover", "--leader", Preferred, "--candidate", candidate, "--force");
        await Waits.Until(async () => await List() is { Leader.Name: var leader } c && leader == candidate && c.Members.All(m => m.IsHealthy),
            TimeSpan.FromSeconds(90), $"{candidate} to lead and every member to stream");

        clock.Restart();
        var drifted = await Assert.ThrowsAsync<PipelineFailedException>(Drift);
        output.WriteLine($"drift with hand changes: {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(DriftStep.DriftedExitCode, drifted.ExitCode);
        Assert.Equal(
        [
            (DriftObjects.PatroniDynamicConfig, "loop_wait", "10", "7", "patroni.loop_wait"),
            (DriftObjects.PatroniDynamicConfig, "postgresql.parameters.work_mem", DriftObjects.NotInGit, "8MB", "postgres.settings.extra.work_mem"),
            (DriftObjects.PatroniCluster(stack.StackName), PatroniDrift.LeaderField, Preferred, candidate, PatroniDrift.PreferredLeaderPath),
        ], ReadDriftItems());
        Assert.StartsWith($"./build.sh --target=Deploy --env=lab hands the leadership back to {Preferred} by a ", LeaderHint());

        var planned = new StringWriter();
        var plan = Assert.Single(await new PlanStep(stack.Layout, LabStack.PlainConsole(planned)).RunAsync("lab", new DeployOptions()));
        output.WriteLine(planned.ToString());
        Assert.False(plan.HasChanges);
        Assert.Matches(@"loop_wait\s+10\s+7", planned.ToString());
        Assert.Contains($"hand over to {Preferred}, the preferred leader: ", planned.ToString());
        Assert.Equal(candidate, (await List()).Leader?.Name);

        clock.Restart();
        stack.Output.GetStringBuilder().Clear();
        await stack.Deploy();
        Assert.Contains("applying Patroni's dynamic configuration: loop_wait, postgresql.parameters.work_mem", stack.Output.ToString());
        Assert.Matches($"(switching over|failing over) from {candidate} to {Preferred}, the preferred leader", stack.Output.ToString());
        output.WriteLine($"deploy putting git's configuration and leader back: {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal([Preferred], await stack.Leaders());
        var restored = Assert.Single(await Drift());
        Assert.True(restored.InSync, string.Join("\n", restored.Items));
    }

    private Task<IReadOnlyList<DriftReport>> Drift() => new DriftStep(stack.Layout, LabStack.PlainConsole(new OutputWriter(output))).RunAsync("lab");

    private List<(string, string, string, string, string?)> ReadDriftItems() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(stack.Layout.ArtifactsFor("lab"), "drift.json"))).RootElement.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("object").GetString()!, i.GetProperty("field").GetString()!, i.GetProperty("git").GetString()!, i.GetProperty("live").GetString()!,
                i.GetProperty("adopt_path").GetString())).ToList();

    private string? LeaderHint() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(stack.Layout.ArtifactsFor("lab"), "drift.json"))).RootElement.GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("field").GetString() == PatroniDrift.LeaderField).GetProperty("hint").GetString();

    private async Task<PatroniCluster> List() => PatroniCtl.ParseState(stack.StackName, await Exec([.. PatroniCtl.StateCommand(stack.Members.Select(m => m.Name).ToList())])).Cluster;

    /// <summary>patronictl in pg1's container on node1, as an operator would run it.</summary>
    private Task<string> Ctl(params string[] arguments) => Exec(["bash", PatroniCtl.Entrypoint, "ctl", .. arguments]);

    private async Task<string> Exec(params string[] command)
    {
        var node1 = stack.Lab.Node("node1").Socket;
        var container = (await LabFixture.DockerCli(node1, ["ps", "-q", "--filter", $"label=com.docker.swarm.service.name={stack.StackName}_{Preferred}"])).Trim().Split('\n')[0];
        return await LabFixture.DockerCli(node1, ["exec", "-i", container, .. command]);
    }

    /// <summary>Writes what the steps print to the test's output.</summary>
    private sealed class OutputWriter(ITestOutputHelper output) : StringWriter
    {
        public override void Write(char value)
        {
            if (value != '\n')
                base.Write(value);
            else
                Flush();
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? "")
                Write(c);
        }

        public override void Flush()
        {
            output.WriteLine(ToString());
            GetStringBuilder().Clear();
        }
    }
}
