using SwarmPgGitOps.Drift;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Smoke;

namespace SwarmPgGitOps.Tests.Secrets;

/// <summary>Values that can hold a secret never reach a report: drift.json, a drift pull request, Plan's table.</summary>
public sealed class RedactionTests
{
    private const string Secret = "pasted-Secret-Value-9f8e7d";

    [Theory]
    [InlineData("A=1, B=2", $"A=1, B=2, PGPASSWORD={Secret}", "differs: PGPASSWORD added")]
    [InlineData("A=1, B=2", $"A={Secret}, B=2", "differs: A changed")]
    [InlineData("A=1, B=2", "B=2", "differs: A removed")]
    [InlineData("A=1, B=2", $"B={Secret}, C=3", "differs: C added, B changed, A removed")]
    public void Env_vars_show_which_names_differ_and_never_a_value(string desired, string live, string shown)
    {
        var change = new FieldChange("env", desired, live);

        Assert.Equal((Redaction.Hidden, shown), (change.DesiredShown, change.LiveShown));
        Assert.Equal($"env: {shown}", change.Summary());
        Assert.DoesNotContain(Secret, change.Summary());
    }

    [Fact]
    public void Args_say_only_that_they_differ()
    {
        var change = new FieldChange("args", "bash, /usr/local/lib/swarm-pg/primary.sh", $"bash, -c, PGPASSWORD={Secret} psql");

        Assert.Equal((Redaction.Hidden, "differs"), (change.DesiredShown, change.LiveShown));
        Assert.DoesNotContain(Secret, change.Summary());
    }

    [Fact]
    public void Other_fields_show_their_values()
    {
        var change = new FieldChange("image", "postgres:15", "postgres:16");

        Assert.Equal(("postgres:15", "postgres:16"), (change.DesiredShown, change.LiveShown));
    }

    [Theory]
    [InlineData("ssl_passphrase_command", true)]
    [InlineData("my_app.api_token", true)]
    [InlineData("app.db_password", true)]
    [InlineData("ldapbindpasswd", true)]
    [InlineData("radiussecrets", true)]
    [InlineData("work_mem", false)]
    [InlineData("password_encryption", false)]
    public void Names_that_mark_a_secret(string name, bool secret) =>
        Assert.Equal(secret, Redaction.IsSecretName(name));

    [Fact]
    public void Secret_pg_hba_options_are_masked_in_messages() =>
        Assert.Equal("host all all 10.0.0.0/8 ldap ldapserver=ldap.example.com ldapbindpasswd=*** ldapbinddn=cn=x",
            Redaction.MaskSecretOptions($"host all all 10.0.0.0/8 ldap ldapserver=ldap.example.com ldapbindpasswd={Secret} ldapbinddn=cn=x"));

    [Fact]
    public void A_secret_setting_set_with_alter_system_is_drift_without_its_value_and_is_not_adopted()
    {
        var expected = Healthy.Expectations().Settings;
        var live = Healthy.Primary(Healthy.Expectations()).Settings
            .Where(r => expected.Any(s => s.Name == r.Name))
            .Select(r => new LiveSetting(r, null, "/etc/postgresql/postgresql.conf"))
            .Append(new LiveSetting(new SettingRow("app.api_token", Secret, null, "string", Secret), null,
                "/var/lib/postgresql/data/pgdata/postgresql.auto.conf"))
            .ToList();

        var item = Assert.Single(SettingDrift.Find("primary", expected, live));

        Assert.Equal(new DriftItem("database primary", "settings.app.api_token", Redaction.Hidden, "differs (ALTER SYSTEM)"), item);
    }
}
