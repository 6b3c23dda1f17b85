using Docker.DotNet.Models;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Patroni;

/// <summary>
/// A Patroni deploy onto a stack that runs the classic layout (primary and replica services): the member whose volume
/// (members[].volume) is the classic primary's takes its data over, and the classic services go first. Refuses, before
/// anything changes, what it cannot do safely: no member adopts the primary's data (an empty cluster would start beside
/// it; --new-cluster says that is meant), or that member would not run on the node that holds the volume.
/// </summary>
public sealed class ClassicTakeover(ISwarmApi swarm)
{
    /// <summary>Where both layouts mount a server's volume.</summary>
    public const string DataPath = "/var/lib/postgresql/data";
    private const string Guide = "README \"Moving from the classic layout\"";

    /// <summary>The member that takes the classic primary's data over in this deploy; null when none does.</summary>
    public string? Member { get; private set; }

    public async Task<Replacement> DecideAsync(DesiredStack desired, LiveStack live, DeployOptions options, CancellationToken cancellation)
    {
        var classic = live.Services.Where(s => Role(s) is "primary" or "replica").OrderBy(Name, StringComparer.Ordinal).ToList();
        if (classic.Count == 0)
            return Replacement.None;
        var names = classic.Select(Name).ToList();
        var primary = classic.FirstOrDefault(s => Role(s) == "primary");
        var volume = primary?.Spec is { } spec ? DataVolume(spec) : null;
        var member = volume is null ? null : desired.Services.FirstOrDefault(s => s.Role == StackContainerLocator.MemberRole && DataVolume(s.Spec) == volume);
        if (member is null)
        {
            if (options.NewCluster)
                return new Replacement(names, "--new-cluster: an empty Patroni cluster replaces the classic layout", StackContainerLocator.MemberRole);
            var inFile = volume is null ? "the classic primary's volume" : $"volume: {Unscoped(desired.Stack, volume)}";
            throw new ClassicTakeoverException(
                $"stack {desired.Stack} runs the classic layout ({string.Join(", ", names)}) and no member of the Patroni layout takes over the primary's data: "
                + "this deploy would start an empty cluster beside it; nothing was changed "
                + $"(hint: give the first member `{inFile}` so that it takes the data over ({Guide}), or deploy with --new-cluster to replace the classic "
                + "services with an empty cluster, their volumes kept)");
        }

        await CheckPlacementAsync(primary!, member, Unscoped(desired.Stack, volume!), cancellation);
        Member = member.Key;
        return new Replacement(names, $"the Patroni layout replaces the classic one and {member.Key} takes over the primary's volume {Unscoped(desired.Stack, volume!)}",
            StackContainerLocator.MemberRole);
    }

    /// <summary>The member must run where the classic primary ran: a local volume of the same name elsewhere would be a new, empty one.</summary>
    private async Task CheckPlacementAsync(SwarmService primary, DesiredService member, string volume, CancellationToken cancellation)
    {
        var tasks = await swarm.ListTasksAsync(primary.ID, cancellation);
        var last = tasks.Where(t => !string.IsNullOrEmpty(t.NodeID))
            .OrderByDescending(t => t.Status?.State == TaskState.Running).ThenByDescending(t => t.CreatedAt).FirstOrDefault();
        var node = last is null ? null : (await swarm.ListNodesAsync(cancellation)).FirstOrDefault(n => n.ID == last.NodeID);
        if (node is null)
            throw new ClassicTakeoverException(
                $"cannot tell which node holds {Name(primary)}'s volume {volume}: it has no task on a known node; nothing was changed "
                + $"(hint: deploy the classic file again so that the primary runs, then take it over ({Guide}))");
        var constraints = member.Spec.TaskTemplate?.Placement?.Constraints ?? [];
        var host = node.Description?.Hostname ?? node.ID;
        if (!constraints.All(c => Preflight.Satisfies(node, c)))
            throw new ClassicTakeoverException(
                $"{member.Key} takes over volume {volume}, which is on {host} where {Name(primary)} ran, but its placement "
                + $"({string.Join(" and ", constraints)}) does not put it there; nothing was changed (hint: pin {member.Key} to {host}, e.g. with a label only that node has)");
    }

    private static string Name(SwarmService service) => service.Spec?.Name ?? service.ID;

    private static string? Role(SwarmService service) => StackLabels.RoleOf(service);

    private static string? DataVolume(ServiceSpec spec) =>
        spec.TaskTemplate?.ContainerSpec?.Mounts?.FirstOrDefault(m => m.Type == "volume" && m.Target == DataPath)?.Source;

    private static string Unscoped(string stack, string volume) =>
        volume.StartsWith(stack + "_", StringComparison.Ordinal) ? volume[(stack.Length + 1)..] : volume;
}
