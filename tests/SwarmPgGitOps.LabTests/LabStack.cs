using System.Diagnostics;
using Docker.DotNet.Models;
using Npgsql;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using Spectre.Console;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// The lab in the classic layout (the classic fixture, in a scratch project), deployed once for a test class and removed
/// afterwards with its volumes, with the means to reach its databases. Subclasses say how it is deployed.
/// </summary>
public abstract class LabStack : IAsyncLifetime
{
    public LabFixture Lab { get; } = new();
    public abstract ProjectLayout Layout { get; }
    public EnvironmentDocument Environment { get; private set; } = null!;
    public string SuperuserPassword => Passwords.SuperuserPassword;
    public string ReplicationPassword => Passwords.ReplicationPassword;
    private SecretValues Passwords { get; set; } = null!;
    public TimeSpan TimeToStreaming { get; private set; }

    public string Stack => Environment.Spec.Stack;

    public async Task InitializeAsync()
    {
        Environment = EnvironmentLoader.Load(Layout, "lab").Unwrap();
        Passwords = new SecretResolver(Layout).Resolve(Environment).Unwrap();
        await Lab.RemoveStackAsync(Stack);
        var clock = Stopwatch.StartNew();
        await DeployAsync();
        await WaitUntilHealthy();
        TimeToStreaming = clock.Elapsed;
    }

    /// <summary>
    /// Every service done updating and running one healthy task, and every replica streaming through its slot: the
    /// state tests start from and restore.
    /// </summary>
    public async Task WaitUntilHealthy()
    {
        // Streaming starts a few seconds before Swarm's healthcheck reports the replica's task as running.
        foreach (var service in Environment.Spec.Classic().Replicas.Select(r => r.Name).Prepend(Environment.Spec.Classic().Primary.Name))
        {
            await Waits.Until(async () => (await Lab.Docker.Swarm.InspectServiceAsync($"{Stack}_{service}")).UpdateStatus?.State is null or "completed" or "rollback_completed"
                && (await RunningTasks(service)).Count == 1, TimeSpan.FromSeconds(180), $"{service} updated, running and healthy");
        }
        await Waits.Until(async () => await StreamingReplicas() == Environment.Spec.Classic().Replicas.Count, TimeSpan.FromSeconds(240), "every replica streaming through its slot");
    }

    protected abstract Task DeployAsync();

    /// <summary>A console that writes plain, unwrapped text to a writer, for tests that read what a step printed.</summary>
    public static IAnsiConsole PlainConsole(TextWriter writer) => TestSupport.PlainTextConsole.Writing(writer);

    public virtual async Task DisposeAsync()
    {
        await Lab.RemoveStackAsync(Stack);
        Lab.Dispose();
        Directory.Delete(Layout.Root, recursive: true);
    }

    public NpgsqlConnection Connect(string host, int port) => LabConnections.Superuser(host, port, SuperuserPassword);

    public NpgsqlConnection ConnectPrimary() => Connect(Environment.Spec.Classic().Primary.ConnectHost!, Environment.Spec.Classic().Primary.Port);

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
            return await Scalar<long>(primary,
                "SELECT count(*) FROM pg_stat_replication r JOIN pg_replication_slots s ON s.active_pid = r.pid WHERE r.state = 'streaming'");
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
}

/// <summary>Deployed with plain `docker stack deploy` (the seed's way): proves the rendered stack and scripts independently of the deployer.</summary>
public class StackDeployedByHand : LabStack
{
    private ProjectLayout? _layout;

    /// <summary>The classic lab fixture under the lab's own stack name, pg-lab, and ports 5432-5434.</summary>
    public override ProjectLayout Layout => _layout ??= Lab.ClassicScratchProject();

    protected override async Task DeployAsync()
    {
        var directory = new ArtifactWriter(Layout).Write(new EnvironmentRenderer(Layout).Render(Environment).Unwrap());
        await CreateSecret(RenderModel.SecretName(Stack, "superuser_password"), SuperuserPassword);
        await CreateSecret(RenderModel.SecretName(Stack, "replication_password"), ReplicationPassword);
        await LabFixture.DockerCli(Lab.Info.Endpoint, ["stack", "deploy", "--detach=true", "-c", Path.Combine(directory, "stack.yml"), Stack]);
    }

    private async Task CreateSecret(string name, string value) =>
        await LabFixture.DockerCli(Lab.Info.Endpoint, ["secret", "create", name, "-"], input: value);
}

/// <summary>Deployed by the pipeline's own Deploy step, from a scratch copy of the project that tests may change.</summary>
public class StackDeployedByPipeline : LabStack
{
    private ProjectLayout? _layout;

    public override ProjectLayout Layout => _layout ??= Lab.ClassicScratchProject(LabEdits);

    /// <summary>How a subclass turns the lab environment into a stack of its own (see <see cref="LabFixture.OwnStack"/>).</summary>
    protected virtual (string Find, string Replace)[] LabEdits => [];

    public DeployOutcome FirstDeploy { get; private set; } = null!;

    public StringWriter Output { get; } = new();

    public async Task<DeployOutcome> Deploy(DeployOptions? options = null) =>
        (await new DeployStep(Layout, PlainConsole(Output)).RunAsync("lab", options ?? new DeployOptions())).Single();

    /// <summary>Changes the scratch environment file; returns an action that puts the original back.</summary>
    public Action EditEnvironment(string find, string replace) => LabFixture.EditFile(Layout.EnvironmentFile("lab"), find, replace);

    protected override async Task DeployAsync() => FirstDeploy = await Deploy();
}
