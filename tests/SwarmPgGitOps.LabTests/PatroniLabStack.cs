using Docker.DotNet.Models;
using Npgsql;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// The shipped lab environment (environments/lab.yml, the Patroni layout) as a stack of its own (pg-ha, ports 5502-5504,
/// HAProxy's read-write and read-only ports 5507 and 5508, subnet 10.210.0.0/24) in a scratch project, deployed by the
/// pipeline's Deploy and removed afterwards with its volumes. A class that changes the cluster in ways others must not
/// see derives its own stack, ports and subnet: members at the first port and the next two, HAProxy at the first + 5 and + 6.
/// </summary>
public class PatroniLabStack : IAsyncLifetime
{
    public const string Stack = "pg-ha";

    /// <summary>
    /// Patroni's fastest timing (ttl 20 s, its minimum; loop_wait 5 s, retry_timeout 5 s, so that loop_wait + 2 *
    /// retry_timeout fits the ttl): a lost leader's key expires at most 20 s after its last renewal.
    /// </summary>
    protected static readonly (string Find, string Replace)[] FastestTiming =
        [("ttl: 30\n", "ttl: 20\n"), ("loop_wait: 10\n", "loop_wait: 5\n"), ("retry_timeout: 10\n", "retry_timeout: 5\n")];
    private readonly (string Find, string Replace)[] _ownStack;

    public PatroniLabStack() : this(Stack, 5502, 210)
    {
    }

    /// <param name="labEdits">Further edits of the lab environment, after those that make the stack its own.</param>
    protected PatroniLabStack(string stack, int firstPort, int subnetOctet, params (string Find, string Replace)[] labEdits)
        : this(stack, firstPort, subnetOctet, backup: false, labEdits)
    {
    }

    /// <param name="backup">Keep the lab's backup repository (only the backup tests do): its stanza and first backup cost each deploy seconds.</param>
    protected PatroniLabStack(string stack, int firstPort, int subnetOctet, bool backup, params (string Find, string Replace)[] labEdits)
    {
        StackName = stack;
        _ownStack =
        [
            .. LabFixture.OwnStack(stack, firstPort, subnetOctet),
            ("read_write_port: 5000", $"read_write_port: {firstPort + 5}"),
            ("read_only_port: 5001", $"read_only_port: {firstPort + 6}"),
            .. backup ? [] : LabFixture.WithoutBackup(),
            .. labEdits,
        ];
    }

    /// <summary>This fixture's stack: <see cref="Stack"/>, or a derived fixture's own.</summary>
    public string StackName { get; }

    public LabFixture Lab { get; } = new();
    public ProjectLayout Layout { get; private set; } = null!;
    public EnvironmentDocument Environment { get; private set; } = null!;
    public SecretValues Passwords { get; private set; } = null!;
    public DeployOutcome FirstDeploy { get; private set; } = null!;
    public StringWriter Output { get; } = new();

    public IReadOnlyList<MemberSpec> Members => Environment.Spec.PatroniCluster().Members;

    public async Task InitializeAsync()
    {
        Layout = Lab.ScratchProject(_ownStack);
        Reload();
        BeforeFirstDeploy();
        Reload();
        await Lab.RemoveStackAsync(StackName);
        FirstDeploy = await Deploy();
    }

    /// <summary>What a stack changes in its scratch project (its environment file, its kept secrets) before it is first deployed.</summary>
    protected virtual void BeforeFirstDeploy()
    {
    }

    public virtual async Task DisposeAsync()
    {
        await Lab.RemoveStackAsync(StackName);
        Lab.Dispose();
        Directory.Delete(Layout.Root, recursive: true);
    }

    public async Task<DeployOutcome> Deploy(CancellationToken cancellation = default)
    {
        var outcome = (await new DeployStep(Layout, LabStack.PlainConsole(Output)).RunAsync("lab", new DeployOptions(), cancellation: cancellation)).Single();
        Reload();
        return outcome;
    }

    public Task<SmokeReport> Smoke() => new SmokeStep(Layout, LabStack.PlainConsole(Output)).RunAsync(Environment, Passwords);

    /// <summary>Changes the scratch environment file; returns an action that puts the original back.</summary>
    public Action EditEnvironment(string find, string replace) => LabFixture.EditFile(Layout.EnvironmentFile("lab"), find, replace);

    public NpgsqlConnection Connect(MemberSpec member) => LabConnections.Superuser(member.ConnectHost!, member.Port!.Value, Passwords.SuperuserPassword);

    /// <summary>Every member, for a client that finds the leader itself (<see cref="LabConnections.ReadWrite"/>).</summary>
    public string LeaderConnectionString(int timeoutSeconds = 3) =>
        LabConnections.ReadWrite(Members.Select(m => (m.ConnectHost!, m.Port!.Value)), Passwords.SuperuserPassword, timeoutSeconds);

    public EndpointsSpec Endpoints => Environment.Spec.Endpoints!;

    /// <summary>HAProxy's read-write port on every node, for a client that also skips a node whose HAProxy is down.</summary>
    public string ReadWriteEndpointConnectionString(int timeoutSeconds = 3) =>
        LabConnections.ReadWrite(Endpoints.Hosts.Select(h => (h, Endpoints.ReadWritePort)), Passwords.SuperuserPassword, timeoutSeconds);

    /// <summary>The member a new connection to <paramref name="host"/>:<paramref name="port"/> (an endpoint) lands on, asked of that member.</summary>
    public async Task<(string Member, bool InRecovery)> ServedBy(string host, int port)
    {
        await using var connection = LabConnections.Superuser(host, port, Passwords.SuperuserPassword);
        await connection.OpenAsync();
        var served = (await SwarmPgGitOps.Postgres.CatalogQueries.Serving(asMonitor: false).ReadAsync(connection, CancellationToken.None)).Single();
        return (served.Member, served.InRecovery);
    }

    /// <summary>The members that answer and accept writes, asked of each member itself; one that does not answer is left out.</summary>
    public async Task<IReadOnlyList<string>> AnsweringLeaders()
    {
        var leaders = new List<string>();
        foreach (var member in Members)
        {
            try
            {
                await using var connection = Connect(member);
                if (!await Scalar<bool>(connection, "SELECT pg_is_in_recovery()"))
                    leaders.Add(member.Name);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
            }
        }
        return leaders;
    }

    public string Service(string member) => $"{StackName}_{member}";

    /// <summary>The running task of a member: its container and the lab node that runs it.</summary>
    public async Task<(string Container, SwarmPgGitOps.Lab.LabNode Node)> RunningContainer(string member)
    {
        var task = Assert.Single(await RunningTasks(member));
        return (task.Status.ContainerStatus.ContainerID, Lab.Info.Nodes.Single(n => n.Id == task.NodeID));
    }

    public async Task<string?> RunningContainerId(string member) => (await RunningTasks(member)).SingleOrDefault()?.Status.ContainerStatus.ContainerID;

    public async Task<IList<TaskResponse>> RunningTasks(string member) =>
        (await Lab.Docker.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["service"] = new Dictionary<string, bool> { [Service(member)] = true },
                ["desired-state"] = new Dictionary<string, bool> { ["running"] = true },
            },
        })).Where(t => t.Status.State == TaskState.Running).ToList();

    /// <summary>Every member service running one task, one leader (whichever) and every other member streaming to it.</summary>
    public async Task WaitUntilStreaming()
    {
        foreach (var member in Members)
        {
            await Waits.Until(async () => (await Lab.Docker.Swarm.InspectServiceAsync(Service(member.Name))).UpdateStatus?.State is null or "completed" or "rollback_completed"
                && (await RunningTasks(member.Name)).Count == 1, TimeSpan.FromSeconds(180), $"{member.Name} updated, running and healthy");
        }
        await Waits.Until(async () => await StreamingToTheOneLeader() == Members.Count - 1, TimeSpan.FromSeconds(240), "one leader and every other member streaming to it");
    }

    /// <summary>The one member that accepts writes, or null while there is none or more than one.</summary>
    public async Task<string?> Leader()
    {
        try
        {
            return await Leaders() is [var leader] ? leader : null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return null;
        }
    }

    private async Task<long> StreamingToTheOneLeader()
    {
        if (await Leader() is not { } leader)
            return -1;
        try
        {
            await using var connection = Connect(Members.Single(m => m.Name == leader));
            return await Scalar<long>(connection, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return -1;
        }
    }

    public static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql)
    {
        if (connection.State != System.Data.ConnectionState.Open)
            await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The members that accept writes, asked of each member itself.</summary>
    public async Task<IReadOnlyList<string>> Leaders()
    {
        var leaders = new List<string>();
        foreach (var member in Members)
        {
            await using var connection = Connect(member);
            if (!await Scalar<bool>(connection, "SELECT pg_is_in_recovery()"))
                leaders.Add(member.Name);
        }
        return leaders;
    }

    /// <summary>The generated passwords of the scratch environment (.secrets/lab.json), by secret name.</summary>
    public string SecretsFile => Path.Combine(Layout.SecretsDirectory, "lab.json");

    private void Reload()
    {
        Environment = EnvironmentLoader.Load(Layout, "lab").Unwrap();
        Passwords = new SecretResolver(Layout).Resolve(Environment).Unwrap();
    }
}
