namespace SwarmPgGitOps.Secrets;

/// <summary>The secrets of one environment, by the secret name stack.yml gives them. ToString never shows them.</summary>
public sealed class SecretValues
{
    public const string SuperuserPasswordKey = "superuser_password";
    public const string ReplicationPasswordKey = "replication_password";
    public const string RestApiPasswordKey = "rest_api_password";
    public const string MonitorPasswordKey = "monitor_password";
    public const string BackupTlsCaKey = "backup_tls_ca";
    public const string BackupTlsCertKey = "backup_tls_cert";
    public const string BackupTlsKeyKey = "backup_tls_key";
    public const string BackupS3KeyKey = "backup_s3_key";
    public const string BackupS3KeySecretKey = "backup_s3_key_secret";
    public const string PostgresTlsCaKey = "postgres_tls_ca";
    public const string PostgresTlsCertKey = "postgres_tls_cert";
    public const string PostgresTlsKeyKey = "postgres_tls_key";

    /// <summary>The secrets an environment can supply, as stack.yml names them, in the order stack.yml defines them.</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        SuperuserPasswordKey, ReplicationPasswordKey, RestApiPasswordKey, MonitorPasswordKey,
        BackupTlsCaKey, BackupTlsCertKey, BackupTlsKeyKey, BackupS3KeyKey, BackupS3KeySecretKey,
        PostgresTlsCaKey, PostgresTlsCertKey, PostgresTlsKeyKey,
    ];

    /// <summary>The pgBackRest TLS files, which build/certs/backup-tls.sh makes together.</summary>
    public static readonly IReadOnlyList<string> BackupTlsKeys = [BackupTlsCaKey, BackupTlsCertKey, BackupTlsKeyKey];

    /// <summary>The PostgreSQL members' TLS files: the CA clients verify them against, their certificate and its key.</summary>
    public static readonly IReadOnlyList<string> PostgresTlsKeys = [PostgresTlsCaKey, PostgresTlsCertKey, PostgresTlsKeyKey];

    private readonly IReadOnlyDictionary<string, string> _values;

    public SecretValues(string superuserPassword, string replicationPassword, string? restApiPassword = null)
        : this(new Dictionary<string, string?>
        {
            [SuperuserPasswordKey] = superuserPassword,
            [ReplicationPasswordKey] = replicationPassword,
            [RestApiPasswordKey] = restApiPassword,
        })
    {
    }

    public SecretValues(IReadOnlyDictionary<string, string?> values)
    {
        if (values.Keys.FirstOrDefault(k => !Keys.Contains(k)) is { } unknown)
            throw new ArgumentException($"'{unknown}' is not a secret of a stack", nameof(values));
        _values = values.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value!);
    }

    public string SuperuserPassword => _values[SuperuserPasswordKey];
    public string ReplicationPassword => _values[ReplicationPasswordKey];
    /// <summary>Patroni's REST API password; null in the classic layout.</summary>
    public string? RestApiPassword => For(RestApiPasswordKey);
    /// <summary>The password of the role the checks log in as (Postgres/MonitorRole); null: they log in as the superuser.</summary>
    public string? MonitorPassword => For(MonitorPasswordKey);

    /// <summary>The CA (PEM) the members' certificate is verified against; null when the environment's PostgreSQL has no TLS.</summary>
    public string? PostgresTlsCa => For(PostgresTlsCaKey);

    /// <summary>The value of the secret stack.yml names <paramref name="key"/>; null when the environment supplies none.</summary>
    public string? For(string key) => _values.GetValueOrDefault(key);

    public override string ToString() => "SecretValues(***)";
}
