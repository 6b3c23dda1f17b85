using System.Text.Json;
using SwarmPgGitOps.Drift;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Drift;

/// <summary>What becomes of found differences: the adopted environment file, drift.json and the exit code.</summary>
public sealed class DriftOutcomeTests
{
    private static readonly RenderedLab Lab = new();

    /// <summary>The lab test's hand changes: an image tag and an env var on services, work_mem with ALTER SYSTEM.</summary>
    private static DriftReport HandChanged()
    {
        var live = Lab.Live(s =>
        {
            s["primary"].TaskTemplate.ContainerSpec.Image = "swarm-pg/postgres:15-drift";
            s["replica1"].TaskTemplate.ContainerSpec.Env.Add("FOO=bar");
        });
        var workMem = new LiveSetting(new SettingRow("work_mem", "8192", "kB", "integer", "8MB"), "4096", "/var/lib/postgresql/data/pgdata/postgresql.auto.conf");
        var items = SwarmDrift.Find(Lab.Desired, live, Lab.Spec).Concat(SettingDrift.Find("primary", [], [workMem])).ToList();
        return new DriftReport("lab", "environments/lab.yml", items);
    }

    [Fact]
    public void Adopting_the_report_writes_the_image_and_work_mem_into_the_file_and_leaves_the_env_var()
    {
        var report = HandChanged();

        var plan = DriftAdoption.Plan(report, ClassicFixture.LabText);

        Assert.Equal(["image", "env", "settings.work_mem"], report.Items.Select(i => i.Field));
        Assert.Equal(["postgres.image", "postgres.settings.extra.work_mem"], plan.Adopted.Select(a => a.Item.AdoptPath));
        Assert.Equal("env", Assert.Single(plan.NotAdopted).Item.Field);
        var adopted = Repo.Load(plan.EnvironmentText, "lab").Spec;
        Assert.Equal("swarm-pg/postgres:15-drift", adopted.Postgres.Image);
        Assert.Equal("8MB", adopted.Postgres.Settings.Extra["work_mem"]);
    }

    [Fact]
    public void Drift_json_lists_every_item_with_git_live_and_where_it_would_be_adopted()
    {
        using var json = JsonDocument.Parse(DriftOutput.ToJson(HandChanged(), "pg-lab", DateTimeOffset.UnixEpoch));
        var root = json.RootElement;

        Assert.Equal(("lab", "environments/lab.yml", "pg-lab", false), (root.GetProperty("environment").GetString(), root.GetProperty("environment_file").GetString(),
            root.GetProperty("stack").GetString(), root.GetProperty("in_sync").GetBoolean()));
        var image = root.GetProperty("items")[0];
        Assert.Equal(("service pg-lab_primary", "image", "swarm-pg/postgres:15-lab", "swarm-pg/postgres:15-drift", true, "postgres.image"),
            (image.GetProperty("object").GetString(), image.GetProperty("field").GetString(), image.GetProperty("git").GetString(), image.GetProperty("live").GetString(),
             image.GetProperty("adoptable").GetBoolean(), image.GetProperty("adopt_path").GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("items")[1].GetProperty("adopt_path").ValueKind);
    }

    [Fact]
    public void Drift_ends_with_exit_code_2_only_when_an_environment_drifted()
    {
        DriftStep.FailIfDrifted([new DriftReport("lab", "environments/lab.yml", [])]);

        var failure = Assert.Throws<PipelineFailedException>(() => DriftStep.FailIfDrifted([new DriftReport("dev", "environments/dev.yml", []), HandChanged()]));

        Assert.Equal(2, failure.ExitCode);
        Assert.Equal("drift: lab (3 difference(s))", failure.Message);
    }
}
