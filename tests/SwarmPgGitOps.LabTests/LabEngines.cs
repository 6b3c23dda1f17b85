using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;
using SwarmPgGitOps.Lab;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// Faults of a whole lab node: its Docker engine stopped the hard way (its containers with it, as when the machine is
/// lost), or its network cut off from the other nodes while it runs; and every engine back (build/lab/lab.sh up).
/// </summary>
public static class LabEngines
{
    private const string CutOffRule = "swarm-pg-lab-cut-off";

    public static async Task Stop(LabFixture lab, LabNode node)
    {
        KillEngine(node);
        await Waits.Until(async () => (await lab.Docker.Swarm.InspectNodeAsync(node.Id)).Status.State == "down", TimeSpan.FromSeconds(60), $"{node.Name} to be down");
    }

    /// <summary>
    /// The node lost: its engine killed, then the first process of every container it ran (which takes the rest of that
    /// container with it). The node's containerd stays, as the node's operating system would not. Returns once they are dead.
    /// </summary>
    public static async Task Lose(LabNode node)
    {
        KillEngine(node);
        var containerd = $"/run/swarm-pg-lab/{node.Name}/containerd/containerd.sock";
        async Task<IReadOnlyList<int>> Running()
        {
            var tasks = await Cli.Wrap("ctr").WithArguments(["--address", containerd, "--namespace", "moby", "tasks", "ls"]).ExecuteBufferedAsync();
            return tasks.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(columns => columns is [_, _, "RUNNING"])
                .Select(columns => int.Parse(columns[1], System.Globalization.CultureInfo.InvariantCulture))
                .ToList();
        }
        foreach (var pid in await Running())
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (ArgumentException)
            {
                // gone already
            }
        }
        await Waits.Until(async () => (await Running()).Count == 0, TimeSpan.FromSeconds(30), $"every container on {node.Name} to die");
    }

    /// <summary>
    /// Cuts the node off from the other nodes while it keeps running: its network namespace drops what comes from or
    /// goes to their addresses (Swarm, the overlay network, so etcd and PostgreSQL between members too). The host still
    /// reaches it, as a client would on its side of the partition. Undo with <see cref="Reconnect"/>, in a finally block.
    /// </summary>
    public static async Task CutOff(LabFixture lab, LabNode node)
    {
        foreach (var other in lab.Info.Nodes.Where(n => n.Name != node.Name))
        {
            await Iptables(node, "-I", "INPUT", "-s", other.Address, "-m", "comment", "--comment", CutOffRule, "-j", "DROP");
            await Iptables(node, "-I", "OUTPUT", "-d", other.Address, "-m", "comment", "--comment", CutOffRule, "-j", "DROP");
        }
    }

    /// <summary>Removes every rule <see cref="CutOff"/> added in the node's namespace; a node not cut off is left as it is.</summary>
    public static async Task Reconnect(LabFixture lab, LabNode node)
    {
        foreach (var other in lab.Info.Nodes.Where(n => n.Name != node.Name))
        {
            while (await Iptables(node, "-D", "INPUT", "-s", other.Address, "-m", "comment", "--comment", CutOffRule, "-j", "DROP") == 0)
            {
            }
            while (await Iptables(node, "-D", "OUTPUT", "-d", other.Address, "-m", "comment", "--comment", CutOffRule, "-j", "DROP") == 0)
            {
            }
        }
    }

    private static async Task<int> Iptables(LabNode node, params string[] rule)
    {
        var result = await Cli.Wrap("nsenter").WithArguments([$"--net=/var/run/netns/spglab-{node.Name}", "iptables", "-w", .. rule])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        if (result.ExitCode != 0 && rule[0] != "-D")
            throw new InvalidOperationException($"iptables {string.Join(' ', rule)} in {node.Name}'s namespace failed ({result.ExitCode}): {result.StandardError}");
        return result.ExitCode;
    }

    private static void KillEngine(LabNode node)
    {
        var pid = int.Parse(File.ReadAllText($"/run/swarm-pg-lab/{node.Name}/docker.pid").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        using var engine = Process.GetProcessById(pid);
        engine.Kill();
        Assert.True(engine.WaitForExit(TimeSpan.FromSeconds(60)), $"{node.Name}'s engine did not stop");
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
