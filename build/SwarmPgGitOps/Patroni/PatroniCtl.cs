using System.Text.Json;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Patroni;

/// <summary>What Patroni reports at one moment: the members (and leader), and the dynamic configuration it keeps in etcd.</summary>
/// <param name="DynamicConfig">As Patroni's REST API returns it (JSON, which <see cref="Patroni.DynamicConfig"/> reads as YAML); empty before a cluster has one.</param>
public sealed record PatroniState(PatroniCluster Cluster, string DynamicConfig);

/// <summary>
/// Patroni, asked inside a member container: what it reports from its REST API (patroni_state.py: polls are frequent,
/// and a patronictl process costs a member most of a second of CPU; the script is the library's, so it reads a member
/// deployed by any version), what changes the cluster through patronictl, run by the member's entrypoint, which gives it
/// the member's configuration and the REST API credentials from its secrets. The one way the pipeline talks to Patroni.
/// </summary>
/// <param name="otherMembers">The members whose REST API is asked when the container's own does not answer (it starts a few seconds after its container).</param>
public sealed class PatroniCtl(IContainerExec exec, StackContainerLocator locator, string scope, IReadOnlyList<string>? otherMembers = null)
{
    public const string Entrypoint = "/usr/local/lib/swarm-pg/member.sh";

    /// <summary>The etcd key a member takes when it starts initialising a new cluster (Patroni's default namespace: patroni.yml sets none).</summary>
    public static string InitializeKey(string scope) => $"/service/{scope}/initialize";

    public static PatroniCtl For(EnvironmentSpec spec, DockerSwarmApi docker) =>
        new(docker, new StackContainerLocator(docker, spec.Stack, StackContainerLocator.MemberRole), spec.PatroniScope(),
            spec.PatroniCluster().Members.Select(m => m.Name).ToList());

    /// <summary>The member service whose container patronictl runs in: with its REST API password.</summary>
    public async Task<string> MemberServiceAsync(CancellationToken cancellation) => (await locator.FindAsync(cancellation)).Service;

    public Task<PatroniState> StateAsync(CancellationToken cancellation) => ReadStateAsync(wake: false, cancellation);

    /// <summary>
    /// The state, then every member runs its HA loop now rather than at its next loop_wait, so that the next read sees
    /// what it did (a leader names a new synchronous standby, a replica reports that it streams): what a wait polls.
    /// A member that cannot be woken is left to its own loop.
    /// </summary>
    public Task<PatroniState> StateAndWakeAsync(CancellationToken cancellation) => ReadStateAsync(wake: true, cancellation);

    private async Task<PatroniState> ReadStateAsync(bool wake, CancellationToken cancellation)
    {
        var (_, answer) = await RunAsync(StateCommand(otherMembers ?? [], wake), "Patroni's REST API", null, cancellation);
        return ParseState(scope, answer);
    }

    private static readonly string StateScript = EmbeddedScript.Read("patroni_state.py");

    /// <summary>The command that prints <see cref="StateAsync"/>'s answer in a member container, given the members to ask when its own does not answer.</summary>
    public static IReadOnlyList<string> StateCommand(IReadOnlyList<string> otherMembers, bool wake = false) =>
        ["python3", "-c", StateScript, .. wake ? ["--wake"] : Array.Empty<string>(), .. otherMembers];

    public static bool IsStateCommand(IReadOnlyList<string> command) => command.Count >= 3 && command[0] == "python3" && command[2] == StateScript;

    public static PatroniState ParseState(string scope, string answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            var root = document.RootElement;
            return new PatroniState(PatroniCluster.FromClusterJson(scope, root.GetProperty("cluster")), root.GetProperty("config").GetString() ?? "");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new PatroniUnavailableException($"Patroni's REST API gave an answer that is not its cluster and configuration: {e.Message}");
        }
    }

    public async Task<PatroniCluster> ListAsync(CancellationToken cancellation) => (await StateAsync(cancellation)).Cluster;

    /// <summary>Makes <paramref name="yaml"/> the whole dynamic configuration; Patroni applies it to every member.</summary>
    public Task ReplaceConfigAsync(string yaml, CancellationToken cancellation) =>
        RunCtlAsync(["edit-config", "--replace", "-", "--force", "--quiet"], yaml, cancellation);

    /// <summary>The leader steps down and the candidate takes over; in synchronous mode Patroni accepts only a synchronous standby.</summary>
    public Task SwitchoverAsync(string leader, string candidate, CancellationToken cancellation) =>
        RunCtlAsync(["switchover", "--leader", leader, "--candidate", candidate, "--force"], null, cancellation);

    /// <summary>
    /// A manual failover to the candidate while the leader runs: the leader demotes gracefully (its WAL reaches the
    /// streaming replicas as it shuts down), then the candidate promotes; unlike a switchover, any healthy replica qualifies.
    /// </summary>
    public Task FailoverAsync(string candidate, CancellationToken cancellation) =>
        RunCtlAsync(["failover", "--candidate", candidate, "--force"], null, cancellation);

    /// <summary>Restarts one member's PostgreSQL (Patroni stays up); used for settings that need a restart.</summary>
    public Task RestartAsync(string member, CancellationToken cancellation) =>
        RunCtlAsync(["restart", scope, member, "--force"], null, cancellation);

    private async Task<string> RunCtlAsync(IReadOnlyList<string> arguments, string? stdin, CancellationToken cancellation)
    {
        var what = $"patronictl {arguments[0]}";
        var (service, stdout) = await RunAsync(["bash", Entrypoint, "ctl", .. arguments], what, stdin, cancellation);
        // A refused switchover or restart still exits 0: Patroni's answer is in what patronictl printed.
        if (stdout.Split('\n').FirstOrDefault(ReportsFailure) is { } refused)
            throw new PatroniUnavailableException($"{what} in {service}: {refused.Trim()}");
        return stdout;
    }

    private async Task<(string Service, string Stdout)> RunAsync(IReadOnlyList<string> command, string what, string? stdin, CancellationToken cancellation)
    {
        var container = await locator.FindAsync(cancellation);
        var result = await exec.ExecAsync(container.ContainerId, command, stdin, cancellation);
        if (result.ExitCode != 0)
            throw new PatroniUnavailableException(
                $"{what} in {container.Service} failed (exit {result.ExitCode}): {ExecResult.LastLine(result.Stderr, result.Stdout)}");
        return (container.Service, result.Stdout);
    }

    private static bool ReportsFailure(string line) =>
        line.TrimStart().StartsWith("Failed", StringComparison.Ordinal) || line.Contains(" failed, details:", StringComparison.Ordinal);

}
