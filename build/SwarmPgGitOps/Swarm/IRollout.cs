namespace SwarmPgGitOps.Swarm;

/// <summary>
/// What a cluster engine adds to a deploy: the order of the service changes (waves), and what happens around each
/// wave once Swarm has converged it (waiting for the engine to report the members healthy, handing leadership over).
/// The deployer keeps the rest: creating and updating services, convergence and rollback. A rollout that changes the
/// cluster itself (a switchover) checks the deploy lock before it does, as the deployer does before each service change.
/// </summary>
public interface IRollout
{
    /// <summary>
    /// Before anything changes: the live services of another layout this deploy replaces (<see cref="Replacement.None"/>
    /// when the stack already has this layout). Throws an <see cref="Diagnostics.ActionableException"/> for a change of
    /// layout it cannot make safely, before the deploy touches anything.
    /// </summary>
    Task<Replacement> ReplacementAsync(DesiredStack desired, LiveStack live, DeployOptions options, CancellationToken cancellation);

    Task<IReadOnlyList<IReadOnlyList<DesiredService>>> WavesAsync(DesiredStack desired, DeployPlan plan, CancellationToken cancellation);

    /// <summary>Before the wave's services change.</summary>
    Task BeforeWaveAsync(IReadOnlyList<DesiredService> wave, DeployPlan plan, CancellationToken cancellation);

    /// <summary>Before one service of the wave is created: returns once the services created before it let it start.</summary>
    Task BeforeCreateAsync(DesiredService service, TimeSpan timeout, CancellationToken cancellation) => Task.CompletedTask;

    /// <summary>After Swarm has converged the wave: returns once the engine reports its services healthy.</summary>
    Task AfterWaveAsync(IReadOnlyList<DesiredService> wave, DeployPlan plan, TimeSpan timeout, CancellationToken cancellation);

    /// <summary>After the last wave: changes the engine applies itself, without a service change.</summary>
    Task AfterWavesAsync(TimeSpan timeout, CancellationToken cancellation);

    /// <summary>
    /// When a wave failed, before the deployer rolls back the services: puts back what the rollout changed in the
    /// cluster that the previous specs depend on (rotated passwords). Returns why that failed, or null.
    /// </summary>
    Task<string?> BeforeRollbackAsync(CancellationToken cancellation) => Task.FromResult<string?>(null);

    /// <summary>When the deploy ends, however it ends: stops and waits for what the rollout runs in the background.</summary>
    Task StopBackgroundAsync() => Task.CompletedTask;
}
