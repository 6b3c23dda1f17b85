using System.Globalization;
using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Rendering;

/// <summary>A setting as PostgreSQL must read it on the running server: the value postgresql.conf gives it, unquoted.</summary>
public sealed record ExpectedSetting(string Name, string Value);

/// <summary>
/// The one place that decides which PostgreSQL settings the pipeline manages, and the postgresql.conf settings an environment
/// asks for, in a fixed order, with values quoted as PostgreSQL reads them. Rendering, validation (no `extra` entry for a
/// managed setting) and drift adoption (where a live value would be written back) all ask here. The layout decides which
/// settings are the pipeline's and which are Patroni's.
/// </summary>
public static class PostgresSettings
{
    public const string DataDirectory = "/var/lib/postgresql/data/pgdata";
    public const string ConfigDirectory = "/etc/postgresql";
    public const string SocketDirectory = "/var/run/postgresql";

    private const string EnvironmentKeys = "postgres.settings";

    /// <summary>
    /// A managed setting: <see cref="Value"/> renders it into postgresql.conf (null: set elsewhere, by the entrypoints' command line or by Patroni),
    /// <see cref="HasEnvironmentKey"/> when postgres.settings.&lt;name&gt; writes it; otherwise the pipeline derives it.
    /// </summary>
    private sealed record Managed(string Name, Func<EnvironmentSpec, string>? Value, bool HasEnvironmentKey = false);

    /// <summary>The settings postgres.settings.&lt;name&gt; writes, in both layouts.</summary>
    private static readonly Managed[] FromEnvironmentKeys =
    [
        new("wal_level", spec => spec.Postgres.Settings.WalLevel, HasEnvironmentKey: true),
        new("max_wal_senders", spec => spec.Postgres.Settings.MaxWalSenders.ToString(CultureInfo.InvariantCulture), HasEnvironmentKey: true),
        new("max_replication_slots", spec => spec.Postgres.Settings.MaxReplicationSlots.ToString(CultureInfo.InvariantCulture), HasEnvironmentKey: true),
        new("max_slot_wal_keep_size", spec => spec.Postgres.Settings.MaxSlotWalKeepSize, HasEnvironmentKey: true),
        new("hot_standby", spec => spec.Postgres.Settings.HotStandby ? "on" : "off", HasEnvironmentKey: true),
        new("password_encryption", spec => spec.Postgres.Settings.PasswordEncryption, HasEnvironmentKey: true),
    ];

    /// <summary>Classic layout: postgresql.conf, shared by the primary and the replicas, and the entrypoints' command lines.</summary>
    private static readonly Managed[] ClassicSettings =
    [
        new("listen_addresses", _ => "*"),
        new("port", _ => "5432"),
        new("hba_file", _ => $"{ConfigDirectory}/pg_hba.conf"),
        .. FromEnvironmentKeys,
        new("synchronous_standby_names", spec => SynchronousStandbyNames(spec.Classic().Replicas)),
        new("config_file", null),
        new("data_directory", null),
        new("primary_conninfo", null),
        new("primary_slot_name", null),
    ];

    /// <summary>
    /// Patroni layout: the values here become Patroni's dynamic configuration (bootstrap.dcs.postgresql.parameters, the same
    /// on every member); the others Patroni sets itself (from its own keys, on the command line, or as the leader changes).
    /// </summary>
    private static readonly Managed[] PatroniSettings =
    [
        .. FromEnvironmentKeys,
        new("listen_addresses", null),
        new("port", null),
        new("cluster_name", null),
        new("wal_log_hints", null),
        new("synchronous_standby_names", null),
        new("synchronous_commit", null),
        new("config_file", null),
        new("data_directory", null),
        new("hba_file", null),
        new("ident_file", null),
        new("unix_socket_directories", null),
        new("primary_conninfo", null),
        new("primary_slot_name", null),
        new("recovery_target_timeline", null),
        new("restore_command", null),
        new("archive_mode", null),
        new("archive_command", null),
        new("archive_timeout", null),
    ];

    /// <summary>Patroni layout: the settings each member's patroni.yml gives its own PostgreSQL (postgresql.parameters).</summary>
    private static readonly RenderSetting[] PatroniLocalSettings =
    [
        new("hba_file", $"{ConfigDirectory}/pg_hba.conf"),
        new("unix_socket_directories", SocketDirectory),
    ];

    private static Managed[] Table(EnvironmentLayout layout) => layout == EnvironmentLayout.Patroni ? PatroniSettings : ClassicSettings;

    /// <summary>A setting the pipeline (or, in the Patroni layout, Patroni) sets itself, never through `extra`.</summary>
    public static bool IsManaged(string name, EnvironmentLayout layout) => Table(layout).Any(s => s.Name == name);

    /// <summary>Where a classic environment file writes a setting: its own key under postgres.settings, `extra` for one the pipeline does not manage, else null.</summary>
    public static string? EnvironmentKey(string name) => EnvironmentKey(name, EnvironmentLayout.Classic);

    /// <summary>Where an environment file of <paramref name="layout"/> writes a setting: its own key, `extra`, or null when the layout sets it itself.</summary>
    public static string? EnvironmentKey(string name, EnvironmentLayout layout) => Table(layout).FirstOrDefault(s => s.Name == name) switch
    {
        null => $"{EnvironmentKeys}.extra.{name}",
        { HasEnvironmentKey: true } => $"{EnvironmentKeys}.{name}",
        _ => null,
    };

    /// <summary>The classic layout's postgresql.conf settings.</summary>
    public static IReadOnlyList<RenderSetting> For(EnvironmentSpec spec)
    {
        var settings = ClassicSettings.Where(s => s.Value is not null).Select(s => new RenderSetting(s.Name, s.Value!(spec))).ToList();
        settings.AddRange(spec.Postgres.Settings.Extra.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new RenderSetting(e.Key, e.Value)));
        return settings.Select(x => x with { Value = Quote(x.Value) }).ToList();
    }

    /// <summary>
    /// The Patroni layout's PostgreSQL parameters for its dynamic configuration, unquoted (they are YAML values, not
    /// postgresql.conf text): the managed ones from postgres.settings, then `extra` by name.
    /// </summary>
    public static IReadOnlyList<RenderSetting> PatroniDynamic(EnvironmentSpec spec)
    {
        _ = spec.PatroniCluster();
        var settings = PatroniSettings.Where(s => s.Value is not null).Select(s => new RenderSetting(s.Name, s.Value!(spec))).ToList();
        settings.AddRange(Archiving(spec));
        settings.AddRange(spec.Postgres.Settings.Extra.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new RenderSetting(e.Key, e.Value)));
        return settings;
    }

    /// <summary>
    /// WAL archiving to pgBackRest (backup): on every member, so that whichever leads archives. Without backups the keys
    /// are absent, so removing backup from the file takes them out of the dynamic configuration (archive_mode is off by default).
    /// </summary>
    private static IEnumerable<RenderSetting> Archiving(EnvironmentSpec spec) => spec.Backup is { } backup
        ?
        [
            new("archive_mode", "on"),
            new("archive_command", RenderBackup.ArchiveCommand(spec.PatroniScope())),
            new("archive_timeout", backup.ArchiveTimeoutSeconds.ToString(CultureInfo.InvariantCulture)),
        ]
        : [];

    /// <summary>The Patroni layout's settings each member's patroni.yml sets for its own server.</summary>
    /// <summary>The settings each member's patroni.yml gives its server (not Patroni's dynamic configuration): where its files are, and TLS.</summary>
    public static IReadOnlyList<RenderSetting> PatroniLocal(EnvironmentSpec spec) => [.. PatroniLocalSettings, .. PostgresTls.Settings(spec)];

    /// <summary>Every setting the layout's rendering gives the server, with the value the running server must show.</summary>
    public static IReadOnlyList<ExpectedSetting> Expected(EnvironmentSpec spec) =>
        EnvironmentLayouts.Of(spec) == EnvironmentLayout.Patroni
            ? PatroniDynamic(spec).Concat(PatroniLocal(spec)).Select(s => new ExpectedSetting(s.Name, s.Value)).ToList()
            : For(spec).Select(s => new ExpectedSetting(s.Name, Unquote(s.Value))).ToList();

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
