using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Tests.Smoke;

public class PrimaryChecksTests
{
    private static readonly SmokeExpectations Lab = Healthy.Expectations();
    private static readonly SmokeExpectations Prod = Healthy.Expectations("prod");

    private static IReadOnlyList<SmokeCheck> Evaluate(Func<PrimaryObservation, PrimaryObservation> change, SmokeExpectations? expected = null)
    {
        var environment = expected ?? Lab;
        return PrimaryChecks.Evaluate(change(Healthy.Primary(environment)), environment);
    }

    private static SmokeCheck Single(IReadOnlyList<SmokeCheck> checks, string name, string target = "primary") =>
        Assert.Single(checks, c => c.Name == name && c.Target == target);

    private static SmokeCheck SingleFailure(IReadOnlyList<SmokeCheck> checks) => Assert.Single(checks, c => !c.Passed);

    [Theory]
    [InlineData("lab")]
    [InlineData("prod")]
    [InlineData("staging")]
    public void A_healthy_primary_passes_every_check(string environment)
    {
        var expected = Healthy.Expectations(environment);

        var checks = PrimaryChecks.Evaluate(Healthy.Primary(expected), expected);

        Assert.All(checks, c => Assert.True(c.Passed, c.Describe()));
        Assert.Contains(checks, c => c.Name == "setting.synchronous_standby_names");
    }

    [Fact]
    public void A_primary_in_recovery_fails()
    {
        var failure = SingleFailure(Evaluate(o => o with { InRecovery = true }));

        Assert.Equal(("recovery", "true", "false"), (failure.Name, failure.Value, failure.Threshold));
    }

    [Fact]
    public void A_missing_walsender_fails_the_streaming_check_naming_the_replica_and_its_service()
    {
        var failure = SingleFailure(Evaluate(o => o with { Replication = o.Replication.Where(r => r.ApplicationName != "replica2").ToList() }));

        Assert.Equal("replication.streaming on primary→replica2 = no walsender (expected one walsender, streaming)", failure.Describe());
        Assert.Contains("docker service ps pg-lab_replica2", failure.Hint);
    }

    [Fact]
    public void Two_walsenders_with_one_replicas_name_fail()
    {
        var failure = SingleFailure(Evaluate(o => o with { Replication = [.. o.Replication, o.Replication[0]] }));

        Assert.Equal(("replication.streaming", "primary→replica1", "2 walsenders"), (failure.Name, failure.Target, failure.Value));
    }

    [Fact]
    public void A_replica_still_catching_up_fails_streaming()
    {
        var failure = SingleFailure(Evaluate(o => o with { Replication = [o.Replication[0] with { State = "catchup" }, o.Replication[1]] }));

        Assert.Equal(("replication.streaming", "catchup"), (failure.Name, failure.Value));
    }

    [Theory]
    [InlineData("quorum", true)]
    [InlineData("sync", true)]
    [InlineData("async", false)]
    [InlineData("potential", false)]
    public void A_synchronous_replica_must_be_sync_or_quorum(string syncState, bool passes)
    {
        var synchronous = Prod.Replicas.First(r => r.Synchronous);

        var checks = Evaluate(o => o with { Replication = o.Replication.Select(r => r.ApplicationName == synchronous.Slot ? r with { SyncState = syncState } : r).ToList() }, Prod);

        Assert.Equal(passes, Single(checks, "replication.sync_state", $"primary→{synchronous.Name}").Passed);
    }

    [Fact]
    public void An_asynchronous_replica_reported_as_sync_fails()
    {
        var failure = SingleFailure(Evaluate(o => o with { Replication = [o.Replication[0] with { SyncState = "sync" }, o.Replication[1]] }));

        Assert.Equal(("replication.sync_state", "sync", "async"), (failure.Name, failure.Value, failure.Threshold));
    }

    [Theory]
    [InlineData(16_777_216L, true)]
    [InlineData(16_777_217L, false)]
    [InlineData(null, false)]
    public void Replay_lag_bytes_must_stay_under_the_threshold(long? bytes, bool passes)
    {
        var checks = Evaluate(o => o with { Replication = [o.Replication[0] with { ReplayLagBytes = bytes }, o.Replication[1]] });

        var check = Single(checks, "replication.replay_lag_bytes", "primary→replica1");
        Assert.Equal(passes, check.Passed);
        Assert.Equal("≤ 16,777,216 B", check.Threshold);
    }

    [Theory]
    [InlineData(9.5, true)]
    [InlineData(10.0, true)]
    [InlineData(10.5, false)]
    public void Replay_lag_time_must_stay_under_the_threshold(double seconds, bool passes)
    {
        var checks = Evaluate(o => o with { Replication = [o.Replication[0], o.Replication[1] with { ReplayLag = TimeSpan.FromSeconds(seconds) }] });

        Assert.Equal(passes, Single(checks, "replication.replay_lag_time", "primary→replica2").Passed);
    }

    [Fact]
    public void An_idle_replica_without_a_replay_lag_passes()
    {
        var check = Single(Evaluate(o => o with { Replication = [o.Replication[0] with { ReplayLag = null }, o.Replication[1]] }), "replication.replay_lag_time", "primary→replica1");

        Assert.True(check.Passed);
        Assert.Equal("idle (null)", check.Value);
    }

    [Fact]
    public void A_missing_slot_fails_naming_its_replica()
    {
        var failure = SingleFailure(Evaluate(o => o with { Slots = o.Slots.Where(s => s.Name != "replica1").ToList() }));

        Assert.Equal("slot on primary→replica1 = missing (expected active, wal reserved or extended)", failure.Describe());
    }

    [Theory]
    [InlineData(false, "reserved", "inactive, wal reserved")]
    [InlineData(true, "unreserved", "active, wal unreserved")]
    [InlineData(true, "lost", "active, wal lost")]
    public void A_slot_must_be_active_and_keep_its_wal(bool active, string walStatus, string value)
    {
        var failure = SingleFailure(Evaluate(o => o with { Slots = [o.Slots[0] with { Active = active, WalStatus = walStatus }, o.Slots[1]] }));

        Assert.Equal(("slot", "primary→replica1", value), (failure.Name, failure.Target, failure.Value));
    }

    [Fact]
    public void An_extended_slot_passes()
    {
        Assert.DoesNotContain(Evaluate(o => o with { Slots = [o.Slots[0] with { WalStatus = "extended" }, o.Slots[1]] }), c => !c.Passed);
    }

    [Fact]
    public void Unknown_inactive_slots_fail_as_stray()
    {
        var failure = SingleFailure(Evaluate(o => o with { Slots = [.. o.Slots, new SlotRow("stray", "physical", false, false, "reserved"), new SlotRow("old", "logical", false, false, "extended")] }));

        Assert.Equal("slot.stray on primary = old, stray (expected no inactive unknown slots)", failure.Describe());
    }

    [Fact]
    public void Unknown_slots_in_use_and_temporary_slots_are_not_stray()
    {
        var checks = Evaluate(o => o with { Slots = [.. o.Slots, new SlotRow("backup", "physical", true, false, "reserved"), new SlotRow("pg_basebackup_42", "physical", false, true, "reserved")] });

        Assert.True(Single(checks, "slot.stray").Passed);
    }

    [Fact]
    public void An_unbounded_max_slot_wal_keep_size_fails()
    {
        var checks = Evaluate(o => o with { Settings = o.Settings.Select(s => s.Name == "max_slot_wal_keep_size" ? s with { Setting = "-1", Display = "-1" } : s).ToList() });

        Assert.Equal(["setting.max_slot_wal_keep_size_bounded", "setting.max_slot_wal_keep_size"], checks.Where(c => !c.Passed).Select(c => c.Name));
    }

    [Theory]
    [InlineData("wal_level", "logical", "enum", null)]
    [InlineData("max_wal_senders", "5", "integer", null)]
    [InlineData("hot_standby", "off", "bool", null)]
    [InlineData("password_encryption", "md5", "enum", null)]
    [InlineData("synchronous_standby_names", "*", "string", null)]
    [InlineData("shared_buffers", "16384", "integer", "8kB")]
    public void A_running_setting_that_differs_from_the_environment_fails(string name, string running, string varType, string? unit)
    {
        var failure = SingleFailure(Evaluate(o => o with { Settings = o.Settings.Select(s => s.Name == name ? new SettingRow(name, running, unit, varType, running) : s).ToList() }));

        Assert.Equal(($"setting.{name}", running), (failure.Name, failure.Value));
    }

    [Fact]
    public void A_setting_the_server_does_not_know_fails()
    {
        var failure = SingleFailure(Evaluate(o => o with { Settings = o.Settings.Where(s => s.Name != "log_connections").ToList() }));

        Assert.Equal(("setting.log_connections", "unknown setting"), (failure.Name, failure.Value));
    }

    [Theory]
    [InlineData(PasswordScheme.Md5, "md5")]
    [InlineData(PasswordScheme.None, "no password")]
    [InlineData(PasswordScheme.RoleMissing, "role replicator missing")]
    public void The_replication_password_must_be_stored_as_scram(PasswordScheme scheme, string value)
    {
        var failure = SingleFailure(Evaluate(o => o with { ReplicationPassword = scheme }));

        Assert.Equal(("role.replication_password", value, "SCRAM-SHA-256"), (failure.Name, failure.Value, failure.Threshold));
    }

    [Fact]
    public void Pg_hba_findings_are_part_of_the_primary_checks()
    {
        var failure = SingleFailure(Evaluate(o => o with { HbaRules = [.. o.HbaRules, new HbaFileRule(20, "host", ["all"], ["all"], "10.0.0.0", "255.0.0.0", "trust", null)] }));

        Assert.Equal("hba.network_methods", failure.Name);
    }
}
