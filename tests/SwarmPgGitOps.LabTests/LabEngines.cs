using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;
using SwarmPgGitOps.Lab;

namespace SwarmPgGitOps.LabTests;

/// <summary>Stops one lab node's Docker engine the hard way and brings every engine back (build/lab/lab.sh up).</summary>
public static class LabEngines
{
    public static async Task Stop(LabFixture lab, LabNode node)
    {
        var pid = int.Parse(File.ReadAllText($"/run/swarm-pg-lab/{node.Name}/docker.pid").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        using (var engine = Process.GetProcessById(pid))
        {
            engine.Kill();
            Assert.True(engine.WaitForExit(TimeSpan.FromSeconds(60)), $"{node.Name}'s engine did not stop");
        }
        await Waits.Until(async () => (await lab.Docker.Swarm.InspectNodeAsync(node.Id)).Status.State == "down", TimeSpan.FromSeconds(60), $"{node.Name} to be down");
    }

    /// <summary>Every lab node is a manager: with one engine gone, the other two still elect a leader and answer.</summary>
    public static async Task AssertTheOtherManagersKeepQuorum(LabFixture lab, LabNode stopped)
    {
        await Waits.Until(async () => (await lab.Docker.Swarm.InspectNodeAsync(stopped.Id)).ManagerStatus.Reachability == "unreachable",
            TimeSpan.FromSeconds(60), $"{stopped.Name} to be an unreachable manager");
        var nodes = await lab.Docker.Swarm.ListNodesAsync();
        var others = nodes.Where(n => n.ID != stopped.Id).ToList();
        Assert.Equal(2, others.Count);
        Assert.All(others, n => Assert.Equal("reachable", n.ManagerStatus.Reachability));
        Assert.Single(others, n => n.ManagerStatus.Leader == true);
    }

    public static async Task RestartAll(LabFixture lab)
    {
        var up = await Cli.Wrap("bash").WithArguments([Path.Combine(lab.Layout.Root, "build", "lab", "lab.sh"), "up"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(up.ExitCode == 0, up.StandardOutput + up.StandardError);
        await Waits.Until(async () => (await lab.Docker.Swarm.ListNodesAsync()).All(n => n.Status.State == "ready"), TimeSpan.FromSeconds(90), "every node ready");
    }
}
