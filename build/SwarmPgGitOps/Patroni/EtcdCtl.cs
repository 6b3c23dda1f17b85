using System.Text.Json;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Patroni;

/// <summary>etcd's own command line, run inside a container of the stack, which reaches etcd on the stack network.</summary>
public sealed class EtcdCtl(IContainerExec exec, StackContainerLocator locator, IReadOnlyList<string> endpoints)
{
    /// <summary>etcdctl run in the stack's own etcd member on the endpoint's node, or for an external etcd in a Patroni member.</summary>
    public static EtcdCtl For(EnvironmentSpec spec, DockerSwarmApi docker)
    {
        var dcs = spec.PatroniCluster().Dcs;
        var role = dcs.Members.Count > 0 ? StackContainerLocator.EtcdRole : StackContainerLocator.MemberRole;
        return new EtcdCtl(docker, new StackContainerLocator(docker, spec.Stack, role), PatroniRenderModel.EtcdHostsOf(dcs));
    }

    public async Task<EtcdStatus> StatusAsync(CancellationToken cancellation)
    {
        var container = await locator.FindAsync(cancellation);
        var members = await RunAsync(container, ["member", "list"], cancellation);
        // endpoint health exits 1 when an endpoint is unhealthy and still prints every endpoint's result.
        var health = await RunAsync(container, ["endpoint", "health"], cancellation, acceptFailure: true);
        return new EtcdStatus(MemberNames(members), Health(health));
    }

    /// <summary>Which member leads etcd's raft, by name, and every member's id (as etcdctl move-leader takes it, hex).</summary>
    public async Task<EtcdLeadership> LeadershipAsync(CancellationToken cancellation)
    {
        var container = await locator.FindAsync(cancellation);
        var listed = RunAsync(container, ["member", "list"], cancellation);
        // endpoint status exits 1 when an endpoint does not answer and still prints those that did.
        var status = RunAsync(container, ["endpoint", "status"], cancellation, acceptFailure: true);
        await Task.WhenAll(listed, status);
        var members = MemberIds(await listed);
        var leader = LeaderId(await status);
        return new EtcdLeadership(members.FirstOrDefault(m => m.Value == leader).Key, members);
    }

    /// <summary>Hands etcd's raft leadership to <paramref name="member"/> (etcdctl finds the current leader among the endpoints).</summary>
    public async Task MoveLeaderAsync(EtcdLeadership leadership, string member, CancellationToken cancellation)
    {
        var container = await locator.FindAsync(cancellation);
        await RunAsync(container, ["move-leader", leadership.Ids[member].ToString("x", System.Globalization.CultureInfo.InvariantCulture)], cancellation);
    }

    public static IReadOnlyDictionary<string, ulong> MemberIds(string memberListJson)
    {
        using var document = JsonDocument.Parse(memberListJson);
        return document.RootElement.TryGetProperty("members", out var members)
            ? members.EnumerateArray()
                .Where(m => m.TryGetProperty("name", out var name) && !string.IsNullOrEmpty(name.GetString()) && m.TryGetProperty("ID", out _))
                .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("ID").GetUInt64(), StringComparer.Ordinal)
            : new Dictionary<string, ulong>();
    }

    /// <summary>The raft leader's id as the endpoints that answered report it; 0 when none did.</summary>
    public static ulong LeaderId(string endpointStatusJson)
    {
        using var document = JsonDocument.Parse(endpointStatusJson);
        return document.RootElement.EnumerateArray()
            .Select(e => e.TryGetProperty("Status", out var status) && status.TryGetProperty("leader", out var leader) ? leader.GetUInt64() : 0)
            .FirstOrDefault(id => id != 0);
    }

    public async Task<bool> KeyExistsAsync(string key, CancellationToken cancellation)
    {
        var container = await locator.FindAsync(cancellation);
        using var document = JsonDocument.Parse(await RunAsync(container, ["get", key, "--keys-only"], cancellation));
        return document.RootElement.TryGetProperty("count", out var count) && count.GetInt64() > 0;
    }

    private async Task<string> RunAsync(StackContainer container, IReadOnlyList<string> arguments, CancellationToken cancellation, bool acceptFailure = false)
    {
        var result = await exec.ExecAsync(container.ContainerId,
            ["etcdctl", $"--endpoints={string.Join(",", endpoints)}", "--command-timeout=5s", "-w", "json", .. arguments], null, cancellation);
        if (result.ExitCode != 0 && !(acceptFailure && result.Stdout.TrimStart().StartsWith('[')))
            throw new PatroniUnavailableException(
                $"etcdctl {string.Join(" ", arguments)} in {container.Service} failed (exit {result.ExitCode}): "
                + ExecResult.LastLine(result.Stderr));
        return result.Stdout;
    }

    public static IReadOnlyList<string> MemberNames(string memberListJson)
    {
        using var document = JsonDocument.Parse(memberListJson);
        return document.RootElement.TryGetProperty("members", out var members)
            ? members.EnumerateArray()
                .Select(m => m.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "")
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToList()
            : [];
    }

    public static IReadOnlyList<EtcdEndpointHealth> Health(string endpointHealthJson)
    {
        using var document = JsonDocument.Parse(endpointHealthJson);
        return document.RootElement.EnumerateArray().Select(e => new EtcdEndpointHealth(
                e.GetProperty("endpoint").GetString() ?? "",
                e.TryGetProperty("health", out var healthy) && healthy.ValueKind == JsonValueKind.True,
                e.TryGetProperty("error", out var error) ? error.GetString() : null))
            .OrderBy(e => e.Endpoint, StringComparer.Ordinal)
            .ToList();
    }
}
