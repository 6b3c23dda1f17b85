namespace SwarmPgGitOps.Secrets;

/// <summary>The passwords of one environment, by the secret name stack.yml gives them. ToString never shows them.</summary>
public sealed class SecretValues(string superuserPassword, string replicationPassword)
{
    /// <summary>The secrets an environment supplies, as stack.yml names them.</summary>
    public static readonly IReadOnlyList<string> Keys = ["superuser_password", "replication_password"];

    public string SuperuserPassword { get; } = superuserPassword;
    public string ReplicationPassword { get; } = replicationPassword;

    /// <summary>The value of the secret stack.yml names <paramref name="key"/>; null when the environment supplies none.</summary>
    public string? For(string key) => key switch
    {
        "superuser_password" => SuperuserPassword,
        "replication_password" => ReplicationPassword,
        _ => null,
    };

    public override string ToString() => "SecretValues(***)";
}
