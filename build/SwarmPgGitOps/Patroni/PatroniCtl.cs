using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Patroni;

/// <summary>
/// Patroni's own command line, run inside a member container through the member's entrypoint, which gives patronictl
/// the member's configuration and the REST API credentials from its secrets. The one way the pipeline talks to Patroni.
/// </summary>
public sealed class PatroniCtl(IContainerExec exec, StackContainerLocator locator, string scope)
{
    public const string Entrypoint = "/usr/local/lib/swarm-pg/member.sh";

    /// <summary>The etcd key a member takes when it starts initialising a new cluster (Patroni's default namespace: patroni.yml sets none).</summary>
    public static string InitializeKey(string scope) => $"/service/{scope}/initialize";

    public static PatroniCtl For(EnvironmentSpec spec, DockerSwarmApi docker) =>
        new(docker, new StackContainerLocator(docker, spec.Stack, StackContainerLocator.MemberRole), spec.PatroniScope());

    /// <summary>The member service whose container patronictl runs in: with its REST API password.</summary>
    public async Task<string> MemberServiceAsync(CancellationToken cancellation) => (await locator.FindAsync(cancellation)).Service;

    public async Task<PatroniCluster> ListAsync(CancellationToken cancellation) =>
        PatroniCluster.FromListJson(scope, await RunAsync(["list", "--format", "json"], null, cancellation));

    /// <summary>The dynamic configuration Patroni keeps in etcd, as YAML.</summary>
    public Task<string> ShowConfigAsync(CancellationToken cancellation) => RunAsync(["show-config"], null, cancellation);

    /// <summary>Makes <paramref name="yaml"/> the whole dynamic configuration; Patroni applies it to every member.</summary>
    public Task ReplaceConfigAsync(string yaml, CancellationToken cancellation) =>
        RunAsync(["edit-config", "--replace", "-", "--force", "--quiet"], yaml, cancellation);

    /// <summary>The leader steps down and the candidate takes over; in synchronous mode Patroni accepts only a synchronous standby.</summary>
    public Task SwitchoverAsync(string leader, string candidate, CancellationToken cancellation) =>
        RunAsync(["switchover", "--leader", leader, "--candidate", candidate, "--force"], null, cancellation);

    /// <summary>
    /// A manual failover to the candidate while the leader runs: the leader demotes gracefully (its WAL reaches the
    /// streaming replicas as it shuts down), then the candidate promotes; unlike a switchover, any healthy replica qualifies.
    /// </summary>
    public Task FailoverAsync(string candidate, CancellationToken cancellation) =>
        RunAsync(["failover", "--candidate", candidate, "--force"], null, cancellation);

    /// <summary>Restarts one member's PostgreSQL (Patroni stays up); used for settings that need a restart.</summary>
    public Task RestartAsync(string member, CancellationToken cancellation) =>
        RunAsync(["restart", scope, member, "--force"], null, cancellation);

    /// <summary>
    /// The members run their HA loop now rather than at their next loop_wait: a leader names a new synchronous standby,
    /// a replica reports that it streams. A member that cannot be reached is left to its own loop.
    /// </summary>
    public async Task WakeAsync(IEnumerable<string> members, CancellationToken cancellation)
    {
        var container = await locator.FindAsync(cancellation);
        await exec.ExecAsync(container.ContainerId, ["bash", Entrypoint, "wake", .. members], null, cancellation);
    }

    private async Task<string> RunAsync(IReadOnlyList<string> arguments, string? stdin, CancellationToken cancellation)
    {
        var container = await locator.FindAsync(cancellation);
        var result = await exec.ExecAsync(container.ContainerId, ["bash", Entrypoint, "ctl", .. arguments], stdin, cancellation);
        if (result.ExitCode != 0)
            throw new PatroniUnavailableException(
                $"patronictl {arguments[0]} in {container.Service} failed (exit {result.ExitCode}): {ExecResult.LastLine(result.Stderr, result.Stdout)}");
        // A refused switchover or restart still exits 0: Patroni's answer is in what patronictl printed.
        if (result.Stdout.Split('\n').FirstOrDefault(ReportsFailure) is { } refused)
            throw new PatroniUnavailableException($"patronictl {arguments[0]} in {container.Service}: {refused.Trim()}");
        return result.Stdout;
    }

    private static bool ReportsFailure(string line) =>
        line.TrimStart().StartsWith("Failed", StringComparison.Ordinal) || line.Contains(" failed, details:", StringComparison.Ordinal);

}
