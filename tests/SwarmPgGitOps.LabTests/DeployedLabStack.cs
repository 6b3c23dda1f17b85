using System.Diagnostics;
using Docker.DotNet.Models;
using Npgsql;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Secrets;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// A rendered lab stack, deployed once with plain `docker stack deploy` (the seed's way) so that these tests prove the
/// rendered stack and scripts on a real swarm, independently of the pipeline's own deployer. Removed afterwards, volumes too.
/// By default the repository's `lab` environment with random passwords; tests that need a stack of their own pass a
/// scratch project whose environment names another stack, ports and subnet, and the passwords to deploy it with.
/// </summary>
public sealed class DeployedLabStack(ProjectLayout? project, string environmentName, Func<EnvironmentDocument, SecretValues>? passwords) : IAsyncLifetime
{
    public DeployedLabStack() : this(null, "lab", null)
    {
    }

    public LabFixture Lab { get; } = new();
    public ProjectLayout Project => project ?? Lab.Layout;
    public EnvironmentDocument Environment { get; private set; } = null!;
    public string SuperuserPassword { get; private set; } = LabFixture.RandomPassword();
    public string ReplicationPassword { get; private set; } = LabFixture.RandomPassword();
    public TimeSpan TimeToStreaming { get; private set; }

    public string Stack => Environment.Spec.Stack;

    public async Task InitializeAsync()
    {
        Environment = EnvironmentLoader.Load(Project, environmentName).Unwrap();
        if (passwords?.Invoke(Environment) is { } chosen)
            (SuperuserPassword, ReplicationPassword) = (chosen.SuperuserPassword, chosen.ReplicationPassword);
        await RemoveStack();
        var rendered = new EnvironmentRenderer(Project).Render(Environment).Unwrap();
        var directory = new ArtifactWriter(Project).Write(rendered);

        var secrets = Environment.Spec.Secrets;
        await CreateSecret(RenderModel.SecretName(Stack, "superuser_password", secrets.SuperuserPassword), SuperuserPassword);
        await CreateSecret(RenderModel.SecretName(Stack, "replication_password", secrets.ReplicationPassword), ReplicationPassword);

        var clock = Stopwatch.StartNew();
        await LabFixture.DockerCli(Lab.Info.Endpoint, ["stack", "deploy", "--detach=true", "-c", Path.Combine(directory, "stack.yml"), Stack]);
        await WaitUntil(async () => await StreamingReplicas() == Environment.Spec.Replicas.Count, TimeSpan.FromSeconds(240), "every replica streaming");
        TimeToStreaming = clock.Elapsed;
    }

    public async Task DisposeAsync()
    {
        await RemoveStack();
        Lab.Dispose();
    }

    public NpgsqlConnection Connect(string host, int port) => new(new NpgsqlConnectionStringBuilder
    {
        Host = host,
        Port = port,
        Username = "postgres",
        Password = SuperuserPassword,
        Database = "postgres",
        Timeout = 5,
        Pooling = false,
    }.ConnectionString);

    public NpgsqlConnection ConnectPrimary() => Connect(Environment.Spec.Primary.ConnectHost!, Environment.Spec.Primary.Port);

    public NpgsqlConnection ConnectReplica(ReplicaSpec replica) => Connect(replica.ConnectHost!, replica.Port);

    public async Task<T> Scalar<T>(NpgsqlConnection connection, string sql)
    {
        if (connection.State != System.Data.ConnectionState.Open)
            await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task<long> StreamingReplicas()
    {
        try
        {
            await using var primary = ConnectPrimary();
            return await Scalar<long>(primary, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return 0;
        }
    }

    public async Task<IList<TaskResponse>> RunningTasks(string service) =>
        (await Lab.Docker.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["service"] = new Dictionary<string, bool> { [$"{Stack}_{service}"] = true },
                ["desired-state"] = new Dictionary<string, bool> { ["running"] = true },
            },
        })).Where(t => t.Status.State == TaskState.Running).ToList();

    public static async Task WaitUntil(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    private async Task CreateSecret(string name, string value) =>
        await LabFixture.DockerCli(Lab.Info.Endpoint, ["secret", "create", "--label", "io.swarm-pg-gitops.test=true", name, "-"], input: value);

    /// <summary>Removes the stack, waits for its containers to go, then its secrets and the volumes on every node.</summary>
    private async Task RemoveStack()
    {
        await LabFixture.DockerCli(Lab.Info.Endpoint, ["stack", "rm", Environment.Spec.Stack], check: false);
        foreach (var node in Lab.Info.Nodes)
        {
            await WaitUntil(async () => (await LabFixture.DockerCli(node.Socket, ["ps", "-aq", "--filter", $"label=com.docker.stack.namespace={Stack}"])).Trim().Length == 0,
                TimeSpan.FromSeconds(90), $"the containers of {Stack} on {node.Name} to go");
        }
        var secrets = (await LabFixture.DockerCli(Lab.Info.Endpoint, ["secret", "ls", "-q", "--filter", $"name={Stack}_"])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (secrets.Length > 0)
            await LabFixture.DockerCli(Lab.Info.Endpoint, ["secret", "rm", .. secrets], check: false);
        foreach (var node in Lab.Info.Nodes)
        {
            var volumes = (await LabFixture.DockerCli(node.Socket, ["volume", "ls", "-q", "--filter", $"label=com.docker.stack.namespace={Stack}"])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (volumes.Length > 0)
                await LabFixture.DockerCli(node.Socket, ["volume", "rm", .. volumes]);
        }
    }
}
