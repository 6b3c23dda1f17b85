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

    /// <summary>
    /// Runs lab.sh up with no descriptor of this process but stdin, stdout and stderr: an engine it starts lives on, and
    /// would otherwise keep the lab lock that `flock` holds for the test run on an inherited descriptor, for good.
    /// </summary>
    public static async Task RestartAll(LabFixture lab)
    {
        const string WithoutInheritedDescriptors = "{ for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ \"$n\" -gt 2 ]; then eval \"exec $n>&-\"; fi; done; } 2>/dev/null; exec bash \"$0\" up";
        var up = await Cli.Wrap("bash").WithArguments(["-c", WithoutInheritedDescriptors, Path.Combine(lab.Layout.Root, "build", "lab", "lab.sh")])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(up.ExitCode == 0, up.StandardOutput + up.StandardError);
        await Waits.Until(async () => (await lab.Docker.Swarm.ListNodesAsync()).All(n => n.Status.State == "ready"), TimeSpan.FromSeconds(90), "every node ready");
    }
}
