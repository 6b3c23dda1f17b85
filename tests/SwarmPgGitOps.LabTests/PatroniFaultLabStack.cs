using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using Docker.DotNet.Models;
using Npgsql;
using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// The Patroni fault suite's own stack (pg-hf, ports 5472-5474, subnet 10.207.0.0/24) and what its tests do to it.
/// Patroni's timing is the fastest it allows (<see cref="PatroniLabStack.FastestTiming"/>).
/// </summary>
public sealed class PatroniFaultLabStack() : PatroniLabStack("pg-hf", 5472, 207, FastestTiming)
{
    public const string DataDirectory = "/var/lib/postgresql/data/pgdata";

    /// <summary>
    /// What the fault suite's writers connect with, built here only: HAProxy's read-write port on every node (the
    /// endpoint applications use; a node whose HAProxy has no leader to offer, or is gone, is skipped for the next).
    /// The writer still knows which member acknowledged each row: the server's host name is the member's. A command that times out breaks the connection rather than cancelling the query: PostgreSQL acknowledges
    /// a commit whose wait for the synchronous standby was cancelled, though only the leader has it (its warning says
    /// so), and a leader cut off from its standbys would then acknowledge rows that the next leader does not have.
    /// </summary>
    public string WriterConnectionString() =>
        new Npgsql.NpgsqlConnectionStringBuilder(ReadWriteEndpointConnectionString()) { CancellationTimeout = -1 }.ConnectionString;

    public MemberSpec Member(string name) => Members.Single(m => m.Name == name);

    /// <summary>The leader's standbys by their sync_state in pg_stat_replication (Patroni names each after its member).</summary>
    public async Task<IReadOnlyDictionary<string, string>> StandbysOf(string leader)
    {
        await using var connection = Connect(Member(leader));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT application_name, sync_state FROM pg_stat_replication WHERE state = 'streaming'", connection);
        await using var rows = await command.ExecuteReaderAsync();
        var standbys = new Dictionary<string, string>();
        while (await rows.ReadAsync())
            standbys[rows.GetString(0)] = rows.GetString(1);
        return standbys;
    }

    /// <summary>
    /// Patroni's view of the cluster (its REST API's /cluster, what patronictl list prints) as that member's own Patroni
    /// sees it: no other member is asked, so that a fault test reads the view of the member it names.
    /// </summary>
    public async Task<SwarmPgGitOps.Patroni.PatroniCluster> PatroniList(string member) =>
        SwarmPgGitOps.Patroni.PatroniCtl.ParseState(StackName,
            await Exec(member, [.. SwarmPgGitOps.Patroni.PatroniCtl.StateCommand([])])).Cluster;

    /// <summary>
    /// What every container of the member's service printed since <paramref name="since"/> (the running one and those
    /// that ended: a node that was lost or cut off may have had its task replaced), Patroni's log included.
    /// </summary>
    public async Task<string> EveryContainerLog(string member, DateTimeOffset since)
    {
        var logs = new System.Text.StringBuilder();
        foreach (var node in Lab.Info.Nodes)
        {
            // A node whose engine is down (lost) has nothing to say: left out.
            var containers = (await LabFixture.DockerCli(node.Socket, ["ps", "-aq", "--filter", $"label=com.docker.swarm.service.name={Service(member)}"], check: false))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            foreach (var container in containers)
            {
                var log = await Cli.Wrap("docker").WithArguments(["-H", node.Socket, "logs", "--since", since.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), container]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
                logs.Append(log.StandardOutput).Append(log.StandardError);
            }
        }
        return logs.ToString();
    }

    /// <summary>
    /// The state tests start from and restore: every member service done updating with one running task, the preferred
    /// member the one leader (a Deploy hands leadership back when it moved), every other member streaming to it.
    /// </summary>
    public async Task WaitUntilHealthy()
    {
        await WaitUntilStreaming();
        var preferred = Environment.Spec.PatroniCluster().Patroni.PreferredLeader!;
        if (await Leader() != preferred)
        {
            await Deploy();
            await WaitUntilStreaming();
        }
    }

    /// <summary>Every acknowledged row is on the leader and, within the wait, on every member.</summary>
    public async Task AssertEveryMemberHas(ContinuousWriter writer)
    {
        await using (var leader = new NpgsqlConnection(LeaderConnectionString()))
            Assert.Equal(0, await writer.MissingOn(leader));
        foreach (var member in Members)
        {
            await Waits.Until(async () =>
            {
                try
                {
                    await using var connection = Connect(member);
                    return await writer.MissingOn(connection) == 0;
                }
                catch (NpgsqlException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), $"every acknowledged row on {member.Name}");
        }
    }

    /// <summary>
    /// Smoke passes once Patroni's own view has caught up (it reports a member streaming and names a synchronous standby
    /// on its next loop, up to loop_wait after PostgreSQL already streams): polled for a minute, then asserted.
    /// </summary>
    public async Task AssertSmokePasses()
    {
        // The report that passed is the one asserted: a second run could meet a lag Patroni reports up to loop_wait late.
        SwarmPgGitOps.Smoke.SmokeReport? last = null;
        try
        {
            await Waits.Until(async () =>
            {
                try
                {
                    last = await Smoke();
                    return last.Checks.All(c => c.Passed);
                }
                catch (SwarmPgGitOps.Pipeline.PipelineFailedException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), "Smoke to pass");
        }
        catch (TimeoutException)
        {
            last = await Smoke();
        }
        Assert.All(last!.Checks, c => Assert.True(c.Passed, c.Describe() + " " + c.Hint));
    }

    /// <summary>What the member's running container printed, Patroni's log (stderr) included.</summary>
    public async Task<string> RunningContainerLogs(string member)
    {
        var (container, node) = await RunningContainer(member);
        var logs = await Cli.Wrap("docker").WithArguments(["-H", node.Socket, "logs", container]).ExecuteBufferedAsync();
        return logs.StandardOutput + logs.StandardError;
    }

    /// <summary>Runs a command in the member's running container, as root.</summary>
    public async Task<string> Exec(string member, params string[] command)
    {
        var (container, node) = await RunningContainer(member);
        return await LabFixture.DockerCli(node.Socket, ["exec", container, .. command]);
    }

    /// <summary>
    /// The lines of the member's Patroni log since <paramref name="since"/> that say what it decided (its routine
    /// "no action" lines left out), for the output: where a failover's time went.
    /// </summary>
    public async Task<string> PatroniDecisions(string member, DateTimeOffset since, int lines = 12) =>
        string.Join("\n", (await EveryContainerLog(member, since)).Split('\n')
            .Where(l => l.Contains(" INFO: ", StringComparison.Ordinal) || l.Contains(" WARNING: ", StringComparison.Ordinal) || l.Contains(" ERROR: ", StringComparison.Ordinal))
            .Where(l => !l.Contains("no action", StringComparison.Ordinal))
            .Take(lines));

    /// <summary>Moves health_start_period_seconds (a change to every member service and nothing else) one second on; returns the action that puts the file back.</summary>
    public Action ChangeEveryMember()
    {
        var file = Layout.EnvironmentFile("lab");
        var current = Regex.Match(File.ReadAllText(file), @"health_start_period_seconds: (\d+)\n");
        Assert.True(current.Success, "health_start_period_seconds in the scratch environment file");
        return EditEnvironment(current.Value, $"health_start_period_seconds: {int.Parse(current.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1}\n");
    }
}
