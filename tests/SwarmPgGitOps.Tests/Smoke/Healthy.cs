using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Smoke;

/// <summary>
/// Observations of a healthy classic cluster (primary and replicas) for an environment, "lab" being the classic lab
/// fixture, which each test then breaks in one place.
/// </summary>
public static class Healthy
{
    public static readonly ClusterIdentity Identity = new(7_312_345_678_901_234_567, 1);

    /// <summary>Those of a classic-layout fixture (lab, dev, staging, prod).</summary>
    public static SmokeExpectations Expectations(string environment = "lab") =>
        SmokeExpectations.From(Repo.Load(ClassicFixture.EnvironmentText(environment), environment));

    public static PrimaryObservation Primary(SmokeExpectations expected) => new(
        InRecovery: false,
        Replication: expected.Replicas.Select(r => new ReplicationRow(r.Slot, "streaming", r.Synchronous ? "quorum" : "async", 0, TimeSpan.FromMilliseconds(2))).ToList(),
        Slots: expected.Replicas.Select(r => new SlotRow(r.Slot, "physical", true, false, "reserved")).ToList(),
        Settings: expected.Settings.Select(Running).ToList(),
        HbaRules: HbaRules(expected.ReplicationUser),
        ReplicationPassword: PasswordScheme.ScramSha256,
        Identity: Identity);

    public static ReplicaObservation Replica(ExpectedReplica replica) =>
        new(true, new WalReceiverRow("streaming", replica.Slot, 1), 0, false, ReplicaChecks.ReadOnlySqlState, Identity);

    public static List<HbaFileRule> HbaRules(string replicationUser) =>
    [
        new(7, "local", ["all"], ["postgres"], null, null, "peer", null),
        new(10, "host", ["replication"], [replicationUser], "10.201.0.0", "255.255.255.0", "scram-sha-256", null),
        new(13, "host", ["all"], ["postgres"], "192.168.77.0", "255.255.255.0", "scram-sha-256", null),
    ];

    /// <summary>How pg_settings shows a setting the server runs exactly as the environment asks.</summary>
    private static SettingRow Running(ExpectedSetting setting) => setting.Name switch
    {
        "max_slot_wal_keep_size" => Memory(setting, "MB", 1024 * 1024),
        "shared_buffers" => Memory(setting, "8kB", 8192),
        "hot_standby" or "log_connections" => new SettingRow(setting.Name, "on", null, "bool", "on"),
        "max_wal_senders" or "max_replication_slots" or "port" => new SettingRow(setting.Name, setting.Value, null, "integer", setting.Value),
        "wal_level" or "password_encryption" => new SettingRow(setting.Name, setting.Value, null, "enum", setting.Value),
        _ => new SettingRow(setting.Name, setting.Value, null, "string", setting.Value),
    };

    private static SettingRow Memory(ExpectedSetting setting, string unit, double unitBytes)
    {
        var bytes = SettingComparison.Number(setting.Value, unit) ?? throw new InvalidOperationException($"{setting.Name} = {setting.Value} is not a size");
        return new SettingRow(setting.Name, (bytes / unitBytes).ToString(System.Globalization.CultureInfo.InvariantCulture), unit, "integer", setting.Value);
    }
}
