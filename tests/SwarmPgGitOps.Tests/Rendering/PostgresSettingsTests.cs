using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Rendering;

public class PostgresSettingsTests
{
    [Fact]
    public void Settings_with_their_own_key_are_keys_of_postgres_settings_in_the_environment_file()
    {
        var lab = Repo.Load(ClassicFixture.LabText, "lab");

        var ownKeys = PostgresSettings.For(lab.Spec).Select(s => s.Name)
            .Where(name => PostgresSettings.EnvironmentKey(name) == $"postgres.settings.{name}").ToList();

        Assert.Equal(["wal_level", "max_wal_senders", "max_replication_slots", "max_slot_wal_keep_size", "hot_standby", "password_encryption"], ownKeys);
        Assert.All(ownKeys, name => Assert.NotEqual(lab.Map.Locate("postgres.settings"), lab.Map.Locate($"postgres.settings.{name}")));
        Assert.All(ownKeys, name => Assert.True(PostgresSettings.IsManaged(name, EnvironmentLayout.Classic)));
    }

    [Theory]
    [InlineData("listen_addresses")]
    [InlineData("port")]
    [InlineData("hba_file")]
    [InlineData("synchronous_standby_names")]
    [InlineData("config_file")]
    [InlineData("data_directory")]
    [InlineData("primary_conninfo")]
    [InlineData("primary_slot_name")]
    public void Settings_the_pipeline_derives_or_the_entrypoints_set_are_managed_and_have_no_key(string name)
    {
        Assert.True(PostgresSettings.IsManaged(name, EnvironmentLayout.Classic));
        Assert.Null(PostgresSettings.EnvironmentKey(name));
    }

    [Fact]
    public void Any_other_setting_is_written_under_extra()
    {
        Assert.False(PostgresSettings.IsManaged("work_mem", EnvironmentLayout.Classic));
        Assert.Equal("postgres.settings.extra.work_mem", PostgresSettings.EnvironmentKey("work_mem"));
    }
}
