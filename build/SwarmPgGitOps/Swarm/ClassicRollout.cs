namespace SwarmPgGitOps.Swarm;

/// <summary>
/// The classic layout (a primary service and replica services): the primary first and healthy before any replica; then
/// replicas that do not exist yet, together (they hold no data and serve no reads); then existing replicas, one at a time.
/// Swarm's convergence is all it waits for.
/// </summary>
public sealed class ClassicRollout : IRollout
{
    public static ClassicRollout Instance { get; } = new();

    public Task<Replacement> ReplacementAsync(DesiredStack desired, LiveStack live, DeployOptions options, CancellationToken cancellation) =>
        Task.FromResult(Replacement.None);

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
