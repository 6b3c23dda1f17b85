namespace SwarmPgGitOps.Secrets;

/// <summary>The passwords of one environment. ToString never shows them.</summary>
public sealed class SecretValues(string superuserPassword, string replicationPassword)
{
    public string SuperuserPassword { get; } = superuserPassword;
    public string ReplicationPassword { get; } = replicationPassword;

    public override string ToString() => "SecretValues(***)";
}
