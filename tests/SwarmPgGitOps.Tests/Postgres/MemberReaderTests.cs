using Npgsql;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Tests.BadInput;

namespace SwarmPgGitOps.Tests.Postgres;

/// <summary>
/// The access layer's queries against a real PostgreSQL 15 (a throwaway server on this machine, see <see cref="PostgresServer"/>):
/// every query runs, and its rows read as the records the checks and comparisons judge.
/// </summary>
public sealed class MemberReaderTests(MemberReaderTests.Server server) : IClassFixture<MemberReaderTests.Server>
{
    /// <summary>One server for the class, with the canary table the primary's entrypoint creates. Each test removes the slots it makes.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public PostgresServer Instance { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Instance = await PostgresServer.StartAsync();
            await using var connection = await Connect(Instance);
            await ExecuteAsync(connection, "CREATE TABLE public.swarm_pg_canary (token text PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now())");
        }

        public async Task DisposeAsync() => await Instance.DisposeAsync();
    }

    [Fact]
    public async Task A_primary_reads_as_its_role_slots_settings_rules_password_scheme_and_identity()
    {
        await using var connection = await ConnectAsync();
        await ExecuteAsync(connection, "SELECT pg_create_physical_replication_slot('replica1', true)");

        var observed = await MemberReader.ReadPrimaryAsync(connection, ["wal_level", "hot_standby"], "postgres", CancellationToken.None);

        Assert.False(observed.InRecovery);
        Assert.Empty(observed.Replication);
        var slot = Assert.Single(observed.Slots);
        Assert.Equal(new SlotRow("replica1", "physical", false, false, "reserved"), slot);
        Assert.Equal(new SettingRow("wal_level", "replica", null, "enum", "replica"), observed.Settings.Single(s => s.Name == "wal_level"));
        Assert.Equal(new SettingRow("hot_standby", "on", null, "bool", "on"), observed.Settings.Single(s => s.Name == "hot_standby"));
        Assert.Contains(observed.Settings, s => s.Name == "max_slot_wal_keep_size" && s.Unit == "MB");
        Assert.Contains(observed.HbaRules, r => r.Type == "local" && r.Users.SequenceEqual(["all"]) && r.AuthMethod == "trust" && r.Error is null);
        Assert.Contains(observed.HbaRules, r => r.Type == "host" && r.Address == "127.0.0.1" && r.Netmask == "255.255.255.255" && r.AuthMethod == "reject");
        Assert.Equal(PasswordScheme.None, observed.ReplicationPassword);
        Assert.NotEqual(0, observed.Identity.SystemIdentifier);
        Assert.Equal(1, observed.Identity.Timeline);

        await ExecuteAsync(connection, "SELECT pg_drop_replication_slot('replica1')");
    }

    [Fact]
    public async Task A_missing_role_and_a_stored_scram_password_are_told_apart()
    {
        await using var connection = await ConnectAsync();
        await ExecuteAsync(connection, "CREATE ROLE replicator LOGIN PASSWORD 'not-a-real-secret'");

        Assert.Equal(PasswordScheme.ScramSha256, (await MemberReader.ReadPrimaryAsync(connection, [], "replicator", CancellationToken.None)).ReplicationPassword);
        Assert.Equal(PasswordScheme.RoleMissing, (await MemberReader.ReadPrimaryAsync(connection, [], "nobody", CancellationToken.None)).ReplicationPassword);
    }

    [Fact]
    public async Task A_server_that_is_no_standby_reads_as_a_replica_that_accepts_writes_and_has_no_receiver()
    {
        await using var connection = await ConnectAsync();

        var observed = await MemberReader.ReadReplicaAsync(connection, CancellationToken.None);

        Assert.False(observed.InRecovery);
        Assert.Null(observed.Receiver);
        Assert.False(observed.ConninfoHoldsPassword);
        Assert.Equal(ReplicaObservation.WriteAccepted, observed.WriteOutcome);
        Assert.Equal(1, observed.Identity.Timeline);
        Assert.Equal(0L, await ScalarAsync<long>(connection, "SELECT count(*) FROM public.swarm_pg_canary WHERE token = 'smoke-write-probe'"));
    }

    [Fact]
    public async Task Database_state_holds_the_named_settings_and_those_set_with_alter_system()
    {
        await using (var admin = await ConnectAsync())
        {
            await ExecuteAsync(admin, "ALTER SYSTEM SET work_mem = '8MB'");
            await ExecuteAsync(admin, "SELECT pg_reload_conf()");
        }
        try
        {
            var state = await ReadUntil(s => s.Settings.Any(l => l.Name == "work_mem"));

            var workMem = state.Settings.Single(s => s.Name == "work_mem");
            Assert.True(workMem.SetWithAlterSystem);
            Assert.Equal(new SettingRow("work_mem", "8192", "kB", "integer", "8MB"), workMem.Row);
            Assert.Equal("4MB", workMem.Default);
            Assert.False(state.Settings.Single(s => s.Name == "wal_level").SetWithAlterSystem);
            Assert.All(state.HbaRules, r => Assert.NotNull(r.Options));
            Assert.Empty(state.Replication);
        }
        finally
        {
            await using var admin = await ConnectAsync();
            await ExecuteAsync(admin, "ALTER SYSTEM RESET work_mem");
            await ExecuteAsync(admin, "SELECT pg_reload_conf()");
        }
    }

    [Fact]
    public async Task Pruning_drops_inactive_slots_no_replica_owns_and_keeps_the_owned_ones()
    {
        await using var connection = await ConnectAsync();
        await ExecuteAsync(connection, "SELECT pg_create_physical_replication_slot('owned_slot', true)");
        await ExecuteAsync(connection, "SELECT pg_create_physical_replication_slot('stray_b', true)");
        await ExecuteAsync(connection, "SELECT pg_create_physical_replication_slot('stray_a', true)");

        Assert.Equal(0, await ReplicationSlots.CountActiveUnownedAsync(connection, ["owned_slot"], CancellationToken.None));
        var dropped = await ReplicationSlots.DropInactiveUnownedAsync(connection, ["owned_slot"], CancellationToken.None);

        Assert.Equal(["stray_a", "stray_b"], dropped);
        Assert.Equal(["owned_slot"], (await CatalogQueries.Slots.ReadAsync(connection, CancellationToken.None)).Select(s => s.Name));
        await ExecuteAsync(connection, "SELECT pg_drop_replication_slot('owned_slot')");
    }

    [Fact]
    public async Task The_canary_table_keeps_only_the_newest_row()
    {
        await using var connection = await ConnectAsync();

        await CanaryProbe.WriteAsync(connection, "first", CancellationToken.None);
        var written = await CanaryProbe.WriteAsync(connection, "second", CancellationToken.None);

        Assert.Equal("second", written.Token);
        Assert.Matches("^[0-9A-F]+/[0-9A-F]+$", written.Lsn);
        Assert.Equal("second", await ScalarAsync<string>(connection, "SELECT string_agg(token, ',') FROM public.swarm_pg_canary"));
    }

    [Fact]
    public async Task The_checks_role_reads_what_smoke_reads_and_writes_the_canary_but_nothing_only_the_superuser_may()
    {
        await using (var superuser = await ConnectAsync())
        {
            await ExecuteAsync(superuser, MonitorRole.SetupSql);
            await ExecuteAsync(superuser, MonitorRole.SetupSql);
        }
        await using var monitor = await new PostgresConnector("test", "unused: the socket trusts", 10, PostgresConnector.DefaultRetry, user: MonitorRole.Name)
            .OpenAsync(new PostgresTarget("primary", "test_primary", server.Instance.SocketDirectory, server.Instance.Port, "test"), CancellationToken.None);

        var observed = await MemberReader.ReadPrimaryAsync(monitor, ["wal_level", "data_directory"], "postgres", CancellationToken.None);
        var serving = (await CatalogQueries.Serving(asMonitor: true).ReadAsync(monitor, CancellationToken.None)).Single();
        await CanaryProbe.WriteAsync(monitor, "monitor", CancellationToken.None);

        Assert.True(MonitorRole.LoggedIn(monitor));
        Assert.Equal(PasswordScheme.None, observed.ReplicationPassword);
        Assert.Contains(observed.HbaRules, r => r.Type == "local" && r.AuthMethod == "trust");
        Assert.Contains(observed.Settings, s => s.Name == "data_directory" && s.Setting.Length > 0);
        Assert.NotEqual("", serving.Member);
        Assert.Equal("monitor", await ScalarAsync<string>(monitor, "SELECT string_agg(token, ',') FROM public.swarm_pg_canary"));
        foreach (var denied in new[] { "SELECT count(*) FROM pg_authid", "SELECT pg_read_file('/etc/hostname')", "CREATE TABLE public.other (id int)", "SELECT pg_switch_wal()" })
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, (await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(monitor, denied))).SqlState);
    }

    /// <summary>A reload reaches each backend when it next reads a command, so a fresh connection may need another look.</summary>
    private async Task<DatabaseState> ReadUntil(Func<DatabaseState, bool> done)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = await ConnectAsync();
            var state = await MemberReader.ReadDatabaseAsync(connection, ["wal_level"], CancellationToken.None);
            if (done(state) || attempt == 50)
                return state;
            await Task.Delay(100);
        }
    }

    private Task<NpgsqlConnection> ConnectAsync() => Connect(server.Instance);

    private static Task<NpgsqlConnection> Connect(PostgresServer instance) =>
        new PostgresConnector("test", "unused: the socket trusts", 10, PostgresConnector.DefaultRetry)
            .OpenAsync(new PostgresTarget("primary", "test_primary", instance.SocketDirectory, instance.Port, "test"), CancellationToken.None);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
