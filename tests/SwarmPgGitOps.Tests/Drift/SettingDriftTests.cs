using SwarmPgGitOps.Drift;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Tests.Smoke;

namespace SwarmPgGitOps.Tests.Drift;

public sealed class SettingDriftTests
{
    private const string AutoConf = "/var/lib/postgresql/data/pgdata/postgresql.auto.conf";
    private const string RenderedConf = "/etc/postgresql/postgresql.conf";

    private static readonly SmokeExpectations Expected = Healthy.Expectations();

    /// <summary>The lab's settings as a primary runs them, from the rendered postgresql.conf, with one row replaced or added.</summary>
    private static List<LiveSetting> Running(params LiveSetting[] changed)
    {
        var rows = Healthy.Primary(Expected).Settings
            .Where(r => Expected.Settings.Any(s => s.Name == r.Name))
            .Select(r => new LiveSetting(r, null, RenderedConf)).ToList();
        foreach (var setting in changed)
        {
            rows.RemoveAll(r => r.Name == setting.Name);
            rows.Add(setting);
        }
        return rows;
    }

    private static IReadOnlyList<DriftItem> Find(params LiveSetting[] changed) => SettingDrift.Find("primary", Expected.Settings, Running(changed));

    [Fact]
    public void Settings_as_rendered_have_no_drift_whatever_unit_they_are_shown_in() =>
        Assert.Empty(Find(new LiveSetting(new SettingRow("max_slot_wal_keep_size", "1024", "MB", "integer", "1GB"), "-1", RenderedConf)));

    [Fact]
    public void A_setting_set_with_alter_system_that_the_environment_leaves_alone_is_drift_adopted_into_extra()
    {
        var item = Assert.Single(Find(new LiveSetting(new SettingRow("work_mem", "8192", "kB", "integer", "8MB"), "4096", AutoConf)));

        Assert.Equal(new DriftItem("database primary", "settings.work_mem", "(default) 4MB", "8MB (ALTER SYSTEM)", "postgres.settings.extra.work_mem", "8MB"), item);
    }

    [Fact]
    public void Alter_system_back_to_the_default_is_not_drift() =>
        Assert.Empty(Find(new LiveSetting(new SettingRow("work_mem", "4096", "kB", "integer", "4MB"), "4096", AutoConf)));

    [Fact]
    public void A_changed_extra_setting_is_adopted_into_extra_and_a_changed_own_key_into_its_key()
    {
        var items = Find(
            new LiveSetting(new SettingRow("shared_buffers", "16384", "8kB", "integer", "128MB"), "16384", AutoConf),
            new LiveSetting(new SettingRow("max_wal_senders", "20", null, "integer", "20"), "10", AutoConf),
            new LiveSetting(new SettingRow("hot_standby", "off", null, "bool", "off"), "on", AutoConf));

        Assert.Equal(
        [
            ("settings.max_wal_senders", "10", "20 (ALTER SYSTEM)", "postgres.settings.max_wal_senders", "20"),
            ("settings.hot_standby", "on", "off (ALTER SYSTEM)", "postgres.settings.hot_standby", "false"),
            ("settings.shared_buffers", "64MB", "128MB (ALTER SYSTEM)", "postgres.settings.extra.shared_buffers", "128MB"),
        ], items.Select(i => (i.Field, i.Desired, i.Live, i.AdoptPath, i.AdoptValue)));
    }

    [Fact]
    public void Settings_the_pipeline_derives_are_drift_without_a_key_to_adopt_into()
    {
        var items = Find(
            new LiveSetting(new SettingRow("synchronous_standby_names", "replica1", null, "string", "replica1"), "", AutoConf),
            new LiveSetting(new SettingRow("primary_slot_name", "other", null, "string", "other"), "", AutoConf));

        Assert.Equal(["settings.synchronous_standby_names", "settings.primary_slot_name"], items.Select(i => i.Field));
        Assert.All(items, i => Assert.False(i.CanBeAdopted));
        Assert.Equal("(default) ''", items[1].Desired);
    }

    [Fact]
    public void A_setting_the_server_does_not_know_is_reported()
    {
        var rows = Running().Where(r => r.Name != "log_connections").ToList();

        var item = Assert.Single(SettingDrift.Find("replica1", Expected.Settings, rows));

        Assert.Equal(("database replica1", "settings.log_connections", "on", "(unknown setting)"), (item.Object, item.Field, item.Desired, item.Live));
    }

    [Theory]
    [InlineData("4096", "kB", "4MB")]
    [InlineData("8192", "8kB", "64MB")]
    [InlineData("1024", "MB", "1GB")]
    [InlineData("1000", "kB", "1000kB")]
    [InlineData("-1", "kB", "-1")]
    [InlineData("60", "s", "1min")]
    [InlineData("200", "ms", "200ms")]
    [InlineData("100", null, "100")]
    public void Raw_values_are_shown_as_SHOW_shows_them(string raw, string? unit, string shown) =>
        Assert.Equal(shown, SettingComparison.Display(raw, unit));
}
