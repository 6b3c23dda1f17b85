namespace SwarmPgGitOps.Drift;

/// <summary>Every difference found in one environment; <paramref name="EnvironmentFile"/> is its path in the repository ("environments/lab.yml").</summary>
public sealed record DriftReport(string Environment, string EnvironmentFile, IReadOnlyList<DriftItem> Items)
{
    public bool InSync => Items.Count == 0;
}
