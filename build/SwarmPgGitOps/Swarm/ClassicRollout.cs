namespace SwarmPgGitOps.Swarm;

/// <summary>
/// The classic layout (a primary service and replica services): the primary first and healthy before any replica; then
/// replicas that do not exist yet, together (they hold no data and serve no reads); then existing replicas, one at a time.
/// Swarm's convergence is all it waits for.
/// </summary>
public sealed class ClassicRollout : IRollout
{
    public static ClassicRollout Instance { get; } = new();

    /// <summary>Roles of the Patroni layout's services, which a classic deploy would start a primary beside.</summary>
    private static readonly string[] PatroniRoles = ["member", "etcd"];

    public Task<Replacement> ReplacementAsync(DesiredStack desired, LiveStack live, DeployOptions options, CancellationToken cancellation)
    {
        var patroni = live.Services.Where(s => PatroniRoles.Contains(StackLabels.RoleOf(s))).Select(s => s.Spec?.Name ?? s.ID).Order(StringComparer.Ordinal).ToList();
        if (patroni.Count > 0)
            throw new LayoutChangeRefusedException(
                $"stack {desired.Stack} runs the Patroni layout ({string.Join(", ", patroni)}) and this environment file has the classic layout: the deploy "
                + "would start a classic primary beside the Patroni cluster; nothing was changed (hint: the pipeline does not move a cluster back from "
                + "Patroni to the classic layout; keep the Patroni file, or deploy the classic file as a stack of another name)");
        return Task.FromResult(Replacement.None);
    }

    public Task<IReadOnlyList<IReadOnlyList<DesiredService>>> WavesAsync(DesiredStack desired, DeployPlan plan, CancellationToken cancellation) =>
        Task.FromResult<IReadOnlyList<IReadOnlyList<DesiredService>>>(Waves(desired, plan).ToList());

    public Task BeforeWaveAsync(IReadOnlyList<DesiredService> wave, DeployPlan plan, CancellationToken cancellation) => Task.CompletedTask;

    public Task AfterWaveAsync(IReadOnlyList<DesiredService> wave, DeployPlan plan, TimeSpan timeout, CancellationToken cancellation) => Task.CompletedTask;

    public Task AfterWavesAsync(TimeSpan timeout, CancellationToken cancellation) => Task.CompletedTask;

    private static IEnumerable<IReadOnlyList<DesiredService>> Waves(DesiredStack desired, DeployPlan plan)
    {
        bool Is(DesiredService s, ChangeKind kind) => plan.For("service", s.Name).Change == kind;
        var primary = desired.Services.Where(s => s.Role == "primary" && !Is(s, ChangeKind.Unchanged)).ToList();
        if (primary.Count > 0)
            yield return primary;
        var replicas = desired.Services.Where(s => s.Role != "primary").ToList();
        var fresh = replicas.Where(s => Is(s, ChangeKind.Create)).ToList();
        if (fresh.Count > 0)
            yield return fresh;
        foreach (var replica in replicas.Where(s => Is(s, ChangeKind.Update)))
            yield return [replica];
    }
}
