using Docker.DotNet.Models;

namespace SwarmPgGitOps.LabTests;

[Collection("lab")]
public class LabTopologyTests(LabFixture lab)
{
    [Fact]
    public async Task Swarm_has_three_reachable_managers_labelled_like_the_seed()
    {
        var nodes = await lab.Docker.Swarm.ListNodesAsync();

        Assert.Equal(3, nodes.Count);
        Assert.All(nodes, n => Assert.Equal("ready", n.Status.State));
        Assert.All(nodes, n => Assert.Equal("manager", n.Spec.Role));
        Assert.All(nodes, n => Assert.Equal("reachable", n.ManagerStatus.Reachability));
        Assert.Single(nodes, n => n.ManagerStatus.Leader == true);
        foreach (var node in lab.Info.Nodes)
        {
            var swarmNode = Assert.Single(nodes, n => n.ID == node.Id);
            Assert.Equal(node.Name == "node1" ? "master" : "worker", swarmNode.Spec.Labels["purpose"]);
            Assert.Equal(node.Name, swarmNode.Spec.Labels["lab.node"]);
        }
        Assert.Equal(nodes.Select(n => n.Status.Addr).Order(), lab.Info.Nodes.Select(n => n.Address).Order());
    }

    [Fact]
    public async Task Every_node_has_both_images_with_the_same_content()
    {
        foreach (var image in new[] { lab.Info.Image, lab.Info.ProjectImage })
        {
            var layers = new List<string>();
            foreach (var node in lab.Info.Nodes)
                layers.Add((await LabFixture.DockerCli(node.Socket, ["image", "inspect", "--format", "{{index .RootFS.Layers 0}}", image])).Trim());
            Assert.StartsWith("sha256:", layers[0]);
            Assert.All(layers, l => Assert.Equal(layers[0], l));
        }
    }

    [Fact]
    public async Task The_lab_environment_points_at_the_lab_manager()
    {
        var spec = SwarmPgGitOps.Environments.EnvironmentLoader.Load(lab.Layout, "lab").Unwrap().Spec;
        var info = await lab.Docker.System.GetSystemInfoAsync();

        Assert.Equal(lab.Info.Endpoint, spec.Swarm.Endpoint);
        Assert.Equal(lab.Info.ProjectImage, spec.Postgres.Image);
        Assert.True(info.Swarm.ControlAvailable);
        Assert.All(spec.PatroniCluster().Members, m => Assert.Equal(lab.Node(m.Placement["lab.node"]).Address, m.ConnectHost));
    }
}
