namespace SwarmPgGitOps.Secrets;

/// <summary>The passwords of one environment, by the secret name stack.yml gives them. ToString never shows them.</summary>
public sealed class SecretValues(string superuserPassword, string replicationPassword, string? restApiPassword = null)
{
    public const string SuperuserPasswordKey = "superuser_password";
    public const string ReplicationPasswordKey = "replication_password";
    public const string RestApiPasswordKey = "rest_api_password";

    /// <summary>The secrets an environment can supply, as stack.yml names them, in the order stack.yml defines them.</summary>
    public static readonly IReadOnlyList<string> Keys = [SuperuserPasswordKey, ReplicationPasswordKey, RestApiPasswordKey];

    public string SuperuserPassword { get; } = superuserPassword;
    public string ReplicationPassword { get; } = replicationPassword;
    /// <summary>Patroni's REST API password; null in the classic layout.</summary>
    public string? RestApiPassword { get; } = restApiPassword;

    /// <summary>The value of the secret stack.yml names <paramref name="key"/>; null when the environment supplies none.</summary>
    public string? For(string key) => key switch
    {
        SuperuserPasswordKey => SuperuserPassword,
        ReplicationPasswordKey => ReplicationPassword,
        RestApiPasswordKey => RestApiPassword,
        _ => null,
    };

    public override string ToString() => "SecretValues(***)";
}
