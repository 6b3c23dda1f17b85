using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Rendering;

/// <summary>A setting as PostgreSQL must read it on the running server: the value postgresql.conf gives it, unquoted.</summary>
public sealed record ExpectedSetting(string Name, string Value);

/// <summary>The postgresql.conf settings an environment asks for, in a fixed order, with values quoted as PostgreSQL reads them.</summary>
public static class PostgresSettings
{
    public const string DataDirectory = "/var/lib/postgresql/data/pgdata";
    public const string ConfigDirectory = "/etc/postgresql";

    public static IReadOnlyList<RenderSetting> For(EnvironmentSpec spec)
    {
        var s = spec.Postgres.Settings;
        var settings = new List<RenderSetting>
        {
            new("listen_addresses", "*"),
            new("port", "5432"),
            new("hba_file", $"{ConfigDirectory}/pg_hba.conf"),
            new("wal_level", s.WalLevel),
            new("max_wal_senders", s.MaxWalSenders.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("max_replication_slots", s.MaxReplicationSlots.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("max_slot_wal_keep_size", s.MaxSlotWalKeepSize),
            new("hot_standby", s.HotStandby ? "on" : "off"),
            new("password_encryption", s.PasswordEncryption),
            new("synchronous_standby_names", SynchronousStandbyNames(spec.Replicas)),
        };
        settings.AddRange(s.Extra.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new RenderSetting(e.Key, e.Value)));
        return settings.Select(x => x with { Value = Quote(x.Value) }).ToList();
    }

    /// <summary>Every setting <see cref="For"/> renders, with the value the running server must show.</summary>
    public static IReadOnlyList<ExpectedSetting> Expected(EnvironmentSpec spec) =>
        For(spec).Select(s => new ExpectedSetting(s.Name, Unquote(s.Value))).ToList();

    /// <summary>Replicas report their slot name as application_name; any one synchronous replica confirms a commit.</summary>
    public static string SynchronousStandbyNames(IEnumerable<ReplicaSpec> replicas)
    {
        var names = replicas.Where(r => r.Synchronous).Select(r => r.Slot).ToList();
        return names.Count == 0 ? "" : $"ANY 1 ({string.Join(", ", names)})";
    }

    public static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Unquote(string quoted) =>
        quoted.Length >= 2 && quoted[0] == '\'' && quoted[^1] == '\''
            ? quoted[1..^1].Replace("''", "'", StringComparison.Ordinal)
            : quoted;
}
