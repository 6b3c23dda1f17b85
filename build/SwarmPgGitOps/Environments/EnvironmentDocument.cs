namespace SwarmPgGitOps.Environments;

/// <summary>An environment file that loaded: its name (the file name), where it is, what it says, and where each value stands.</summary>
public sealed record EnvironmentDocument(string Name, string File, EnvironmentSpec Spec, SourceMap Map)
{
    public bool IsProduction => Spec.Production;
}
