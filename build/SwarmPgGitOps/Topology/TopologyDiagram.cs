using System.Globalization;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;

namespace SwarmPgGitOps.Topology;

/// <summary>
/// What templates/topology.md.sbn draws: a Mermaid flowchart of the topology, optionally with what a check observed.
/// Every label is escaped here (<see cref="MermaidText"/>) and every id is made here from positions, so the template only lays them out.
/// </summary>
public sealed record TopologyDiagram(
    string HeadingLevel,
    string Heading,
    string Intro,
    DiagramShape Network,
    IReadOnlyList<DiagramPlace> Places,
    DiagramShape Clients,
    DiagramShape? Proxy,
    DiagramShape? ExternalEtcd,
    DiagramShape? ExternalBackup,
    IReadOnlyList<DiagramEdge> Edges,
    IReadOnlyList<DiagramClass> Classes,
    IReadOnlyList<ClientConnection> Connections,
    IReadOnlyList<string> Notes)
{
    public const string Template = "topology.md.sbn";
    public const string FileName = "topology.md";

    /// <summary>The topology as git has it: the member that should lead leads, every other one streams from it.</summary>
    public static TopologyDiagram Desired(ClusterTopology topology) => Build(topology, null);

    /// <summary>The topology as <paramref name="observed"/> saw it: who leads now, lag, members down, unreachable or drifted.</summary>
    public static TopologyDiagram Live(ClusterTopology topology, TopologyObservation observed) => Build(topology, observed);

    private static TopologyDiagram Build(ClusterTopology topology, TopologyObservation? observed)
    {
        // By position: a file Validate has yet to refuse may name two instances alike, and is drawn all the same.
        var ids = new Dictionary<TopologyInstance, string>(ReferenceEqualityComparer.Instance);
        foreach (var (instance, i) in topology.Instances.Select((instance, i) => (instance, i)))
            ids[instance] = $"i{i + 1}";
        var leader = observed is null ? topology.Leader : observed.Leader;
        var classes = new List<(string Class, string Id)>();

        DiagramShape Shape(TopologyInstance instance)
        {
            var live = observed?.Of(instance.Name);
            var lines = new List<string> { instance.Name };
            if (instance.Kind == InstanceKind.BackupRepository)
                lines.Add($"volume {instance.Volume}");
            else if (instance.Kind != InstanceKind.Etcd)
                lines.Add($"port {instance.Port?.ToString(CultureInfo.InvariantCulture)}, volume {instance.Volume}");
            lines.Add(Role(topology, instance, observed));
            if (live is not null)
                lines.Add(live.Detail);
            else if (observed is not null && instance.Name == leader)
                lines.Add("leads now");
            classes.Add((ClassOf(instance, live, leader), ids[instance]));
            var shape = instance.Kind switch { InstanceKind.Etcd => "etcd", InstanceKind.BackupRepository => "backup", _ => "database" };
            return new DiagramShape(ids[instance], MermaidText.Lines(lines), shape);
        }

        var places = new List<DiagramPlace>();
        foreach (var (node, i) in topology.Nodes.Select((n, i) => (n, i)))
        {
            places.Add(new DiagramPlace($"n{i + 1}", OneLine([node.Role is { } role ? $"{node.Name} ({role})" : node.Name, string.Join(", ", node.Labels)]),
                topology.Instances.Where(x => x.Nodes.Count == 1 && x.Nodes[0] == node.Name).Select(Shape).ToList()));
        }
        foreach (var (group, i) in topology.Instances.Where(x => x.Nodes.Count != 1).GroupBy(x => (Nodes: string.Join(", ", x.Nodes), x.Placement)).Select((g, i) => (g, i)))
        {
            var where = group.Key.Nodes.Length == 0 ? "no declared node fits" : $"any of {group.Key.Nodes}";
            places.Add(new DiagramPlace($"g{i + 1}", OneLine([where, group.Key.Placement]), group.Select(Shape).ToList()));
        }

        var networkLines = new List<string> { $"overlay network {topology.NetworkName}", topology.NetworkSubnet };
        if (observed?.NetworkDrifted == true)
        {
            networkLines.Add("drifted");
            classes.Add(("drifted", "net"));
        }
        var proxy = topology.Proxy is { } p
            ? new DiagramShape("haproxy", MermaidText.Lines(["HAProxy on every node", $"read-write :{p.ReadWritePort} to the leader", $"read-only :{p.ReadOnlyPort} to the replicas"]), "proxy")
            : null;
        if (proxy is not null)
            classes.Add(("proxy", proxy.Id));
        var externalEtcd = topology.ExternalEtcd.Count > 0 ? new DiagramShape("dcs", MermaidText.Lines(["external etcd", .. topology.ExternalEtcd]), "etcd") : null;
        if (externalEtcd is not null)
            classes.Add(("etcd", externalEtcd.Id));
        var externalBackup = topology.ExternalBackup is { } bucket ? new DiagramShape("s3", MermaidText.Lines(["backup repository: S3 bucket", bucket]), "backup") : null;
        if (externalBackup is not null)
            classes.Add(("backup", externalBackup.Id));

        return new TopologyDiagram(
            HeadingLevel: observed is null ? "#" : "###",
            Heading: observed is null ? $"Topology of {topology.Environment}" : $"Live topology of {topology.Environment}",
            Intro: IntroOf(topology, observed),
            Network: new DiagramShape("net", OneLine(networkLines), "network"),
            Places: places,
            Clients: new DiagramShape("apps", MermaidText.Escape("applications"), "clients"),
            Proxy: proxy,
            ExternalEtcd: externalEtcd,
            ExternalBackup: externalBackup,
            Edges: EdgesOf(topology, observed, leader, ids, proxy, externalBackup),
            Classes: classes.GroupBy(c => c.Class).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new DiagramClass(g.Key, string.Join(",", g.Select(c => c.Id)))).ToList(),
            Connections: topology.Connections,
            Notes: observed?.Notes ?? []);
    }

    /// <summary>A subgraph's title: Mermaid draws a title of several lines over the subgraph's content.</summary>
    private static string OneLine(IEnumerable<string> parts) => MermaidText.Escape(string.Join(" · ", parts.Where(p => p.Length > 0)));

    /// <summary>What the file wants of the instance: the preferred leader, the classic primary, a (synchronous) replica, an etcd member.</summary>
    private static string Role(ClusterTopology topology, TopologyInstance instance, TopologyObservation? observed) => instance.Kind switch
    {
        InstanceKind.Etcd => "etcd: Patroni's DCS",
        InstanceKind.BackupRepository => $"pgBackRest repository, TLS :{RenderBackup.TlsPort}",
        InstanceKind.Member when instance.Name == topology.Leader => "preferred leader",
        InstanceKind.Member => observed is null ? "replica" : "",
        InstanceKind.Primary => "primary",
        InstanceKind.SynchronousReplica => "synchronous replica",
        _ => "replica",
    };

    private static string ClassOf(TopologyInstance instance, ObservedInstance? live, string? leader) => live?.State switch
    {
        ObservedState.Leading => "leader",
        ObservedState.Streaming => "replica",
        ObservedState.Down or ObservedState.Unreachable => "down",
        ObservedState.Drifted => "drifted",
        _ when instance.Kind == InstanceKind.Etcd => "etcd",
        _ when instance.Kind == InstanceKind.BackupRepository => "backup",
        _ => instance.Name == leader ? "leader" : "replica",
    };

    private static List<DiagramEdge> EdgesOf(ClusterTopology topology, TopologyObservation? observed, string? leader, IReadOnlyDictionary<TopologyInstance, string> ids, DiagramShape? proxy, DiagramShape? externalBackup)
    {
        var edges = new List<DiagramEdge>();
        var leading = topology.Databases.FirstOrDefault(d => d.Name == leader);
        var followers = topology.Databases.Where(d => !ReferenceEquals(d, leading))
            .Where(d => observed?.Of(d.Name)?.State is not (ObservedState.Down or ObservedState.Unreachable)).ToList();
        var entry = proxy?.Id ?? "apps";
        if (proxy is not null && topology.Proxy is { } p)
            edges.Add(new("apps", "-->", MermaidText.Escape($":{p.ReadWritePort} read-write, :{p.ReadOnlyPort} read-only"), proxy.Id));
        if (leading is not null)
            edges.Add(new(entry, "==>", MermaidText.Escape("read-write"), ids[leading]));
        edges.AddRange(followers.Select(f => new DiagramEdge(entry, "-.->", MermaidText.Escape("read-only"), ids[f])));
        if (leading is not null)
        {
            edges.AddRange(followers.Select(f => new DiagramEdge(ids[leading], "-->",
                MermaidText.Escape(f.Kind == InstanceKind.SynchronousReplica ? "streams WAL, synchronous" : "streams WAL"), ids[f])));
            var repository = topology.BackupRepository is { } r ? ids[r] : externalBackup?.Id;
            if (repository is not null)
                edges.Add(new(ids[leading], "-->", MermaidText.Escape("archives WAL, is backed up"), repository));
        }
        return edges;
    }

    private static string IntroOf(ClusterTopology topology, TopologyObservation? observed)
    {
        var what = topology.Layout == EnvironmentLayout.Patroni
            ? "Patroni elects the leader among the members and keeps its key in etcd"
            : "the classic layout: a fixed primary and its replicas";
        var arrows = "thick arrow: read-write, dotted: read-only, plain: replication";
        return observed is null
            ? $"What runs where in **{topology.Environment}** (stack `{topology.Stack}`), as `{topology.SourceFile}` says ({what}; {arrows})."
            : $"**{topology.Environment}** (stack `{topology.Stack}`) as {observed.Source} saw it: who leads now, each member's state; "
              + $"red: down or unreachable, yellow: drifted from git ({arrows}).";
    }
}

/// <param name="Shape">database, etcd, proxy, clients or network: the template picks Mermaid's shape by it.</param>
public sealed record DiagramShape(string Id, string Label, string Shape);

/// <summary>A node of the swarm (or a group of nodes a placement fits) and what runs on it.</summary>
public sealed record DiagramPlace(string Id, string Label, IReadOnlyList<DiagramShape> Shapes);

/// <param name="Arrow">Mermaid's link: "-->", "==>", "-.->".</param>
public sealed record DiagramEdge(string From, string Arrow, string Label, string To);

/// <param name="Ids">The shapes drawn in this class, comma-separated (Mermaid's class statement).</param>
public sealed record DiagramClass(string Name, string Ids);
