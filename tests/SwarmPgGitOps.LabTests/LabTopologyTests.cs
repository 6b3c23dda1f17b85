using Docker.DotNet.Models;

namespace SwarmPgGitOps.LabTests;

[Collection("lab")]
public class LabTopologyTests(LabFixture lab)
{
    [Fact]
    public async Task Swarm_has_one_manager_and_two_workers_labelled_like_the_seed()
    {
        var nodes = await lab.Docker.Swarm.ListNodesAsync();

        Assert.Equal(3, nodes.Count);
        Assert.All(nodes, n => Assert.Equal("ready", n.Status.State));
        var manager = Assert.Single(nodes, n => n.Spec.Role == "manager");
        Assert.Equal("master", manager.Spec.Labels["purpose"]);
        var workers = nodes.Where(n => n.Spec.Role == "worker").ToList();
        Assert.Equal(2, workers.Count);
        Assert.All(workers, w => Assert.Equal("worker", w.Spec.Labels["purpose"]));
        Assert.Equal(nodes.Select(n => n.Status.Addr).Order(), lab.Info.Nodes.Select(n => n.Address).Order());
    }

    [Fact]
    public async Task Every_node_has_the_postgres_image()
    {
        foreach (var node in lab.Info.Nodes)
        {
            var output = await LabFixture.DockerCli(node.Socket, ["image", "inspect", "--format", "{{.Id}}", lab.Info.Image]);
            Assert.StartsWith("sha256:", output.Trim());
        }
    }

    [Fact]
    public async Task The_lab_environment_points_at_the_lab_manager()
    {
        var spec = SwarmPgGitOps.Environments.EnvironmentLoader.Load(lab.Layout, "lab").Unwrap().Spec;
        var info = await lab.Docker.System.GetSystemInfoAsync();

        Assert.Equal(lab.Info.Endpoint, spec.Swarm.Endpoint);
        Assert.Equal(lab.Info.Image, spec.Postgres.Image);
        Assert.True(info.Swarm.ControlAvailable);
        Assert.Equal(spec.Classic().Primary.ConnectHost, lab.Info.Nodes.Single(n => n.Labels["purpose"] == "master").Address);
    }
}
