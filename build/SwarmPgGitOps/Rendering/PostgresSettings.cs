using System.Globalization;
using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Rendering;

/// <summary>A setting as PostgreSQL must read it on the running server: the value postgresql.conf gives it, unquoted.</summary>
public sealed record ExpectedSetting(string Name, string Value);

/// <summary>
/// The one place that decides which PostgreSQL settings the pipeline manages, and the postgresql.conf settings an environment
/// asks for, in a fixed order, with values quoted as PostgreSQL reads them. Rendering, validation (no `extra` entry for a
/// managed setting) and drift adoption (where a live value would be written back) all ask here.
/// </summary>
public static class PostgresSettings
{
    public const string DataDirectory = "/var/lib/postgresql/data/pgdata";
    public const string ConfigDirectory = "/etc/postgresql";

    private const string EnvironmentKeys = "postgres.settings";

    /// <summary>
    /// A managed setting: <see cref="Value"/> renders it into postgresql.conf (null: the entrypoints set it on the command line),
    /// <see cref="HasEnvironmentKey"/> when postgres.settings.&lt;name&gt; writes it; otherwise the pipeline derives it.
    /// </summary>
    private sealed record Managed(string Name, Func<EnvironmentSpec, string>? Value, bool HasEnvironmentKey = false);

    private static readonly Managed[] ManagedSettings =
    [
        new("listen_addresses", _ => "*"),
        new("port", _ => "5432"),
        new("hba_file", _ => $"{ConfigDirectory}/pg_hba.conf"),
        new("wal_level", spec => spec.Postgres.Settings.WalLevel, HasEnvironmentKey: true),
        new("max_wal_senders", spec => spec.Postgres.Settings.MaxWalSenders.ToString(CultureInfo.InvariantCulture), HasEnvironmentKey: true),
        new("max_replication_slots", spec => spec.Postgres.Settings.MaxReplicationSlots.ToString(CultureInfo.InvariantCulture), HasEnvironmentKey: true),
        new("max_slot_wal_keep_size", spec => spec.Postgres.Settings.MaxSlotWalKeepSize, HasEnvironmentKey: true),
        new("hot_standby", spec => spec.Postgres.Settings.HotStandby ? "on" : "off", HasEnvironmentKey: true),
        new("password_encryption", spec => spec.Postgres.Settings.PasswordEncryption, HasEnvironmentKey: true),
        new("synchronous_standby_names", spec => SynchronousStandbyNames(spec.Replicas)),
        new("config_file", null),
        new("data_directory", null),
        new("primary_conninfo", null),
        new("primary_slot_name", null),
    ];

    /// <summary>A setting the pipeline sets itself (from postgres.settings keys, the topology or the entrypoints), never through `extra`.</summary>
    public static bool IsManaged(string name) => ManagedSettings.Any(s => s.Name == name);

    /// <summary>Where the environment file writes a setting: its own key under postgres.settings, `extra` for one the pipeline does not manage, else null.</summary>
    public static string? EnvironmentKey(string name) => ManagedSettings.FirstOrDefault(s => s.Name == name) switch
    {
        null => $"{EnvironmentKeys}.extra.{name}",
        { HasEnvironmentKey: true } => $"{EnvironmentKeys}.{name}",
        _ => null,
    };

    public static IReadOnlyList<RenderSetting> For(EnvironmentSpec spec)
    {
        var settings = ManagedSettings.Where(s => s.Value is not null).Select(s => new RenderSetting(s.Name, s.Value!(spec))).ToList();
        settings.AddRange(spec.Postgres.Settings.Extra.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new RenderSetting(e.Key, e.Value)));
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
