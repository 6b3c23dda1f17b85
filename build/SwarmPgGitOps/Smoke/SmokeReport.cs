using SwarmPgGitOps.Postgres;

namespace SwarmPgGitOps.Smoke;

/// <summary>Everything one smoke run found, in the order it was checked.</summary>
public sealed record SmokeReport(
    string Environment,
    string Stack,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    IReadOnlyList<PostgresTarget> Targets,
    IReadOnlyList<SmokeCheck> Checks,
    IReadOnlyList<CanaryArrival> Canary)
{
    /// <summary>Patroni's member list as Smoke read it (Patroni layout; null when it could not be asked): the live topology draws it.</summary>
    public Patroni.PatroniCluster? Patroni { get; init; }

    public bool Passed => Checks.All(c => c.Passed);

    public IReadOnlyList<SmokeCheck> Failures => Checks.Where(c => !c.Passed).ToList();
}
