using System.Text.RegularExpressions;
using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Environments;
using static SwarmPgGitOps.Validation.EnvironmentValidator;

namespace SwarmPgGitOps.Validation;

/// <summary>
/// The Patroni layout's rules: Patroni's own limits on its timing (config.py and validator.py of Patroni 4.0), a
/// synchronous mode the members can honour, a preferred leader that exists, members and etcd members on distinct nodes,
/// and an etcd cluster that keeps a quorum. Each problem at its key, with a hint.
/// </summary>
public static partial class PatroniValidator
{
    public static IReadOnlyList<Diagnostic> Validate(EnvironmentDocument document)
    {
        var errors = new List<Diagnostic>();
        var spec = document.Spec;
        var map = document.Map;
        var (patroni, members, dcs) = spec.PatroniCluster();

        CheckTiming(patroni, map, errors);
        CheckSynchronous(patroni, members.Count, map, errors);
        CheckMembers(document, errors);
        CheckDcs(document, errors);
        CheckEndpoints(document, errors);
        if (patroni.Scope is { } scope && !StackName().IsMatch(scope))
            errors.Add(map.Error("patroni.scope", $"patroni.scope {Quote("patroni.scope", scope)} is not valid", "use lowercase letters, digits, '-' and '_', or leave it out to use the stack name"));
        if (!members.Any(m => m.Name == patroni.PreferredLeader))
            errors.Add(map.Error("patroni.preferred_leader", $"patroni.preferred_leader {Quote("patroni.preferred_leader", patroni.PreferredLeader)} is not a member",
                $"name one of the members: {string.Join(", ", members.Select(m => m.Name))}"));
        if (!spec.Postgres.Settings.HotStandby)
            errors.Add(map.Error("postgres.settings.hot_standby", "hot_standby is false, but Patroni always runs its replicas as hot standbys",
                "remove the key or set it to true"));
        CheckStreamingLimits(spec, map, errors, Math.Max(members.Count - 1, 0));
        return errors;
    }

    private static void CheckTiming(PatroniSpec patroni, SourceMap map, List<Diagnostic> errors)
    {
        if (patroni.Ttl < 20)
            errors.Add(map.Error("patroni.ttl", $"patroni.ttl {patroni.Ttl} is below Patroni's minimum of 20", "use 20 or more: the leader key lives this many seconds"));
        if (patroni.LoopWait < 1)
            errors.Add(map.Error("patroni.loop_wait", $"patroni.loop_wait {patroni.LoopWait} is below Patroni's minimum of 1", "use 1 or more seconds, such as 10"));
        if (patroni.RetryTimeout < 3)
            errors.Add(map.Error("patroni.retry_timeout", $"patroni.retry_timeout {patroni.RetryTimeout} is below Patroni's minimum of 3", "use 3 or more seconds, such as 10"));
        var needed = patroni.LoopWait + 2 * patroni.RetryTimeout;
        if (patroni.Ttl >= 20 && patroni.LoopWait >= 1 && patroni.RetryTimeout >= 3 && needed > patroni.Ttl)
            errors.Add(map.Error("patroni.ttl", $"patroni.loop_wait + 2 × patroni.retry_timeout is {needed}, more than patroni.ttl {patroni.Ttl}",
                $"Patroni would change the values on its own: raise ttl to {needed} or more, or lower loop_wait or retry_timeout"));
        if (patroni.MaximumLagOnFailover < 0)
            errors.Add(map.Error("patroni.maximum_lag_on_failover", $"patroni.maximum_lag_on_failover {patroni.MaximumLagOnFailover} is negative", "write the bytes a replica may lag and still be promoted, such as 1048576"));
    }

    private static void CheckSynchronous(PatroniSpec patroni, int members, SourceMap map, List<Diagnostic> errors)
    {
        const string at = "patroni.synchronous";
        if (patroni.Synchronous is not ("off" or "on" or "strict"))
        {
            errors.Add(map.Error(at, $"{at} {Quote(at, patroni.Synchronous)} is not a synchronous mode", "write off, on or strict"));
            return;
        }
        if (patroni.Synchronous == "strict" && members - 1 < 2)
            errors.Add(map.Error(at, $"{at} is strict with {members} member(s), so {Math.Max(members - 1, 0)} replica(s)",
                "strict mode stops writes whenever its synchronous standby is missing: give it at least two replicas (three members), or use on"));

        const string count = "patroni.synchronous_node_count";
        if (patroni.Synchronous == "off")
        {
            if (map.Contains(count))
                errors.Add(map.Warning(count, $"{count} is ignored while {at} is off", "remove it, or set synchronous to on or strict"));
        }
        else if (patroni.SynchronousNodeCount < 1 || patroni.SynchronousNodeCount > members - 1)
        {
            errors.Add(map.Error(count, $"{count} {patroni.SynchronousNodeCount} is outside 1..{members - 1} ({members} members)",
                "a commit can wait for at most every replica: use 1 up to the number of members minus one"));
        }
    }

    private static void CheckMembers(EnvironmentDocument document, List<Diagnostic> errors)
    {
        var spec = document.Spec;
        var map = document.Map;
        var (_, members, dcs) = spec.PatroniCluster();
        if (members.Count == 0)
        {
            errors.Add(map.Error("members", "members is empty", "list the PostgreSQL members, one per node"));
            return;
        }

        var names = new ServiceNames(map, errors);
        if (spec.Endpoints is not null)
            names.Add(Rendering.RenderEndpoints.ServiceName, "endpoints (HAProxy's service)");
        for (var i = 0; i < members.Count; i++)
            names.Add(members[i].Name, $"members[{i}].name");
        for (var i = 0; i < dcs.Members.Count; i++)
            names.Add(dcs.Members[i].Name, $"dcs.members[{i}].name");

        CheckPlacementAndPorts(members.Select((m, i) => new PlacedService($"members[{i}]", m.Name, m.Placement, m.Port)).ToList(), spec, map, errors);
        CheckDistinctNodes(spec, map, errors, members.Select((m, i) => ($"members[{i}]", m.Placement)).ToList(), "member",
            strict: document.IsProduction, "a node that fails takes two members with it: pin each member to a node of its own");

        var volumes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < members.Count; i++)
        {
            var path = $"members[{i}].volume";
            var volume = members[i].Volume ?? $"{members[i].Name}_data";
            if (members[i].Volume is { } written && !VolumeName().IsMatch(written))
                errors.Add(map.Error(path, $"{path} {Quote(path, written)} is not a volume name", "use letters, digits, '_', '.' and '-', such as primary_data"));
            else if (!volumes.TryAdd(volume, path))
                errors.Add(map.Error(path, $"{path} {Quote(path, volume)} is used twice", $"{volumes[volume]} uses it already: every member needs a volume of its own"));
        }
    }

    private static void CheckDcs(EnvironmentDocument document, List<Diagnostic> errors)
    {
        var spec = document.Spec;
        var map = document.Map;
        var dcs = spec.PatroniCluster().Dcs;
        if ((dcs.Members.Count == 0) == (dcs.Endpoints.Count == 0))
        {
            errors.Add(map.Error("dcs", "dcs needs exactly one of 'members' and 'endpoints'",
                "run etcd in this stack (members: one per node) or name an external etcd cluster (endpoints: host:port, ...)"));
            return;
        }

        var count = Math.Max(dcs.Members.Count, dcs.Endpoints.Count);
        var key = dcs.Members.Count > 0 ? "dcs.members" : "dcs.endpoints";
        if (dcs.Members.Count > 0 && count % 2 == 0)
            errors.Add(map.Error(key, $"{key} has {count} etcd members, an even number",
                $"an even number tolerates no more failures than one fewer: use {count - 1} or {count + 1}"));
        if (document.IsProduction && count < 3)
            errors.Add(map.Error(key, $"{key} has {count} etcd member(s) in a production environment",
                "production needs at least 3, so that etcd keeps its quorum when one is lost"));

        for (var i = 0; i < dcs.Endpoints.Count; i++)
        {
            var path = $"dcs.endpoints[{i}]";
            var endpoint = dcs.Endpoints[i];
            if (Endpoint().Match(endpoint) is not { Success: true } m || int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) is < 1 or > 65535)
                errors.Add(map.Error(path, $"{path} {Quote(path, endpoint)} is not host:port", "write an etcd client endpoint such as etcd1.example.net:2379"));
        }

        if (dcs.Members.Count == 0)
            return;
        var placed = dcs.Members.Select((m, i) => new PlacedService($"dcs.members[{i}]", m.Name, m.Placement, null)).ToList();
        CheckPlacementAndPorts(placed, spec, map, errors);
        for (var i = 0; i < dcs.Members.Count; i++)
        {
            var path = $"dcs.members[{i}].placement";
            var nodes = spec.Nodes.Count(n => Matches(n, dcs.Members[i].Placement));
            if (nodes > 1)
                errors.Add(map.Error(path, $"{path} ({Describe(dcs.Members[i].Placement)}) fits {nodes} nodes",
                    "pin every etcd member to exactly one node (a label only that node has): its data stays on that node's volume"));
        }
        CheckDistinctNodes(spec, map, errors, dcs.Members.Select((m, i) => ($"dcs.members[{i}]", m.Placement)).ToList(), "etcd member",
            strict: true, "a node that fails takes two etcd members with it, and etcd may lose its quorum: put each on a node of its own");
    }

    /// <summary>
    /// HAProxy runs on every node and publishes both ports there: they must differ from each other and from every
    /// member's port. The hosts are where applications (and Smoke) connect.
    /// </summary>
    private static void CheckEndpoints(EnvironmentDocument document, List<Diagnostic> errors)
    {
        if (document.Spec.Endpoints is not { } endpoints)
            return;
        var map = document.Map;
        var members = document.Spec.PatroniCluster().Members;
        var ports = new[] { ("endpoints.read_write_port", endpoints.ReadWritePort), ("endpoints.read_only_port", endpoints.ReadOnlyPort) };
        foreach (var (path, port) in ports)
        {
            if (port is < 1 or > 65535)
            {
                errors.Add(map.Error(path, $"{path} {port} is not a TCP port", "use 1 to 65535, such as 5000 and 5001"));
                continue;
            }
            var index = members.FindIndex(m => m.Port == port);
            if (index >= 0)
                errors.Add(map.Error(path, $"{path} {port} is also members[{index}].port",
                    "HAProxy publishes its ports on every node, where a member's port is published too: give the endpoint another port"));
        }
        if (endpoints.ReadWritePort == endpoints.ReadOnlyPort)
            errors.Add(map.Error("endpoints.read_only_port", $"endpoints.read_only_port {endpoints.ReadOnlyPort} is also endpoints.read_write_port",
                "the read-only port needs a port of its own, such as read_write_port + 1"));
        if (endpoints.MaxReplicaLagBytes < 0)
            errors.Add(map.Error("endpoints.max_replica_lag_bytes", $"endpoints.max_replica_lag_bytes {endpoints.MaxReplicaLagBytes} is negative",
                "write the bytes a replica may lag and still serve the read-only port, such as 16777216"));
        if (endpoints.Hosts.Count == 0)
            errors.Add(map.Error("endpoints.hosts", "endpoints.hosts is empty", "list the node addresses applications connect to, one per node"));
        var hosts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < endpoints.Hosts.Count; i++)
        {
            var path = $"endpoints.hosts[{i}]";
            var host = endpoints.Hosts[i];
            if (!Host().IsMatch(host))
                errors.Add(map.Error(path, $"{path} {Quote(path, host)} is not a host name or address", "write a node's address or DNS name, such as 192.168.77.11 or node1.example.net"));
            else if (!hosts.TryAdd(host, path))
                errors.Add(map.Error(path, $"{path} {Quote(path, host)} is listed twice", $"{hosts[host]} lists it already: list every node once"));
        }
    }

    /// <summary>Two services that can run on the same node: an error (or a warning when not <paramref name="strict"/>) at the second.</summary>
    private static void CheckDistinctNodes(Environments.EnvironmentSpec spec, SourceMap map, List<Diagnostic> errors,
        IReadOnlyList<(string Path, Dictionary<string, string> Placement)> services, string what, bool strict, string hint)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var mine = spec.Nodes.Where(n => Matches(n, services[i].Placement)).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
            for (var j = 0; j < i; j++)
            {
                var shared = spec.Nodes.Where(n => mine.Contains(n.Name) && Matches(n, services[j].Placement)).Select(n => n.Name).FirstOrDefault();
                if (shared is null)
                    continue;
                var path = $"{services[i].Path}.placement";
                var message = $"{path} can put this {what} on node {shared}, where {services[j].Path} runs too";
                errors.Add(strict ? map.Error(path, message, hint) : map.Warning(path, message, hint));
                break;
            }
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")] private static partial Regex VolumeName();
    [GeneratedRegex("^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]+)$")] private static partial Regex Host();
    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:([0-9]{1,5})$")] private static partial Regex Endpoint();
}
