using Docker.DotNet.Models;

namespace SwarmPgGitOps.LabTests;

/// <summary>The fault suite's own stack (pg-fault, ports 5462-5464, subnet 10.204.0.0/24), deployed by the pipeline.</summary>
public sealed class FaultLabStack : StackDeployedByPipeline
{
    protected override (string Find, string Replace)[] LabEdits => LabFixture.OwnStack("pg-fault", 5462, 204);

    /// <summary>Writes rows on the primary and returns their tokens once committed.</summary>
    public async Task<IReadOnlyList<string>> WriteCanaries(int count)
    {
        var tokens = Enumerable.Range(0, count).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        await using var primary = ConnectPrimary();
        await Scalar<int>(primary, "CREATE TABLE IF NOT EXISTS public.fault_canary (token text PRIMARY KEY); SELECT 1");
        foreach (var token in tokens)
            await Scalar<int>(primary, $"INSERT INTO public.fault_canary VALUES ('{token}') RETURNING 1");
        return tokens;
    }

    /// <summary>Every token is on the primary and, within the wait, on every replica.</summary>
    public async Task AssertCanaries(IReadOnlyList<string> tokens)
    {
        var list = string.Join(",", tokens.Select(t => $"'{t}'"));
        var sql = $"SELECT count(*) FROM public.fault_canary WHERE token IN ({list})";
        await using (var primary = ConnectPrimary())
            Assert.Equal(tokens.Count, await Scalar<long>(primary, sql));
        foreach (var replica in Environment.Spec.Classic().Replicas)
        {
            await Waits.Until(async () =>
            {
                try
                {
                    await using var connection = ConnectReplica(replica);
                    return await Scalar<long>(connection, sql) == tokens.Count;
                }
                catch (Npgsql.NpgsqlException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), $"the canary rows on {replica.Name}");
        }
    }

    /// <summary>The running task of a service: its container and the lab node that runs it.</summary>
    public async Task<(string Container, SwarmPgGitOps.Lab.LabNode Node)> RunningContainer(string service)
    {
        var task = Assert.Single(await RunningTasks(service));
        var node = Lab.Info.Nodes.Single(n => n.Id == task.NodeID);
        return (task.Status.ContainerStatus.ContainerID, node);
    }

    /// <summary>The running container of a service, or null while it has none (after a kill, before Swarm replaces it).</summary>
    public async Task<string?> RunningContainerId(string service) =>
        (await RunningTasks(service)).SingleOrDefault()?.Status.ContainerStatus.ContainerID;

    /// <summary>What the running container of a service printed, read from the node that runs it.</summary>
    public async Task<string> RunningContainerLogs(string service)
    {
        var (container, node) = await RunningContainer(service);
        return await LabFixture.DockerCli(node.Socket, ["logs", container]);
    }
}
