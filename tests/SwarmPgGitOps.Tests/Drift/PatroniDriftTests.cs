using Docker.DotNet.Models;
using SwarmPgGitOps.Drift;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Patroni;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Tests.Support;
using SwarmPgGitOps.Tests.Swarm;

namespace SwarmPgGitOps.Tests.Drift;

/// <summary>Drift on the Patroni layout: Patroni's dynamic configuration and leader against git, read through patronictl in a member container.</summary>
public sealed class PatroniDriftTests
{
    private static readonly SwarmPgGitOps.Environments.EnvironmentDocument Lab = PatroniFixture.Load("lab");
    private static readonly string Rendered = PatroniDynamicConfig.Render(Lab.Spec);

    private readonly List<string> _journal = [];

    private async Task<IReadOnlyList<DriftItem>> Find(string liveConfig, string leader = "pg1")
    {
        var patroni = new FakePatroni(_journal) { Config = liveConfig };
        foreach (var member in new[] { "pg1", "pg2", "pg3" })
            patroni.With(member, member == leader ? PatroniRole.Leader : member == "pg2" || leader == "pg2" && member == "pg1" ? PatroniRole.SyncStandby : PatroniRole.Replica);
        var live = await new PatroniCtl(patroni, await OneMember(), "pg-lab").StateAsync(CancellationToken.None);
        return PatroniDrift.Find("lab", Lab.Spec, Rendered, live);
    }

    private static async Task<StackContainerLocator> OneMember()
    {
        var swarm = new FakeSwarm(TimeProvider.System);
        await swarm.CreateServiceAsync(new ServiceSpec
        {
            Name = "pg-lab_pg1",
            Labels = new Dictionary<string, string> { [StackLabels.Namespace] = "pg-lab", [StackLabels.Role] = StackContainerLocator.MemberRole },
        }, CancellationToken.None);
        for (var i = 0; i < 3; i++)
            await swarm.ListTasksAsync("pg-lab_pg1", CancellationToken.None);
        return new StackContainerLocator(swarm, "pg-lab", StackContainerLocator.MemberRole);
    }

    [Fact]
    public async Task Git_s_configuration_led_by_the_preferred_member_is_no_drift_and_reading_it_changes_nothing()
    {
        Assert.Empty(await Find(Rendered));
        Assert.Empty(_journal);
    }

    [Fact]
    public async Task Patroni_s_own_spelling_of_git_s_values_is_no_drift()
    {
        // Patroni keeps what it was given as JSON and gives it back so: quotes dropped, on as true.
        var live = Rendered.Replace("'", "", StringComparison.Ordinal);

        Assert.Empty(await Find(live));
    }

    [Fact]
    public async Task Each_changed_key_is_an_item_with_git_and_live_values_and_the_key_that_would_adopt_it()
    {
        var live = Rendered.Replace("loop_wait: 10", "loop_wait: 7", StringComparison.Ordinal)
            .Replace("    shared_buffers: '64MB'", "    shared_buffers: '128MB'\n    work_mem: 8MB", StringComparison.Ordinal)
            .Replace("    hot_standby: 'on'", "    hot_standby: off", StringComparison.Ordinal)
            .Replace("use_slots: true", "use_slots: false", StringComparison.Ordinal);

        var items = await Find(live);

        Assert.Equal(
        [
            ("loop_wait", "10", "7", "patroni.loop_wait", "7"),
            ("postgresql.parameters.hot_standby", "on", "off", "postgres.settings.hot_standby", "false"),
            ("postgresql.parameters.shared_buffers", "64MB", "128MB", "postgres.settings.extra.shared_buffers", "128MB"),
            ("postgresql.parameters.work_mem", DriftObjects.NotInGit, "8MB", "postgres.settings.extra.work_mem", "8MB"),
            ("postgresql.use_slots", "true", "false", null, null),
        ], items.Select(i => (i.Field, i.Desired, i.Live, i.AdoptPath, i.AdoptValue)));
        Assert.All(items, i => Assert.Equal(DriftObjects.PatroniDynamicConfig, i.Object));
    }

    [Fact]
    public async Task A_parameter_Patroni_sets_itself_or_one_removed_live_is_not_adoptable()
    {
        var live = Rendered.Replace("    max_wal_senders: 10\n", "", StringComparison.Ordinal)
            .Replace("  parameters:\n", "  parameters:\n    wal_log_hints: 'on'\n", StringComparison.Ordinal);

        var items = await Find(live);

        Assert.Equal([("postgresql.parameters.max_wal_senders", "10", DriftObjects.Missing), ("postgresql.parameters.wal_log_hints", DriftObjects.NotInGit, "on")],
            items.Select(i => (i.Field, i.Desired, i.Live)));
        Assert.All(items, i => Assert.False(i.CanBeAdopted));
    }

    [Fact]
    public async Task A_secret_looking_key_shows_neither_value()
    {
        var live = Rendered + "postgresql_extra:\n  ldap_bind_password: hunter2\n";

        var item = Assert.Single(await Find(live));

        Assert.Equal(("postgresql_extra.ldap_bind_password", SwarmPgGitOps.Secrets.Redaction.Hidden, "differs", false), (item.Field, item.Desired, item.Live, item.CanBeAdopted));
        Assert.DoesNotContain("hunter2", DriftOutput.ToJson(new DriftReport("lab", "environments/lab.yml", [item]), "pg-lab", DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public async Task A_leader_that_is_not_the_preferred_member_is_reported_with_how_Deploy_hands_it_back()
    {
        var item = Assert.Single(await Find(Rendered, leader: "pg2"));

        Assert.Equal(("patroni cluster pg-lab", PatroniDrift.LeaderField, "pg1", "pg2"), (item.Object, item.Field, item.Desired, item.Live));
        Assert.Equal(("patroni.preferred_leader", "pg2"), (item.AdoptPath, item.AdoptValue));
        Assert.Equal("./build.sh --target=Deploy --env=lab hands the leadership back to pg1 by a switchover", item.Hint);
    }

    [Fact]
    public async Task The_hint_says_a_failover_when_the_preferred_member_is_not_the_synchronous_standby()
    {
        var patroni = new FakePatroni(_journal) { Config = Rendered }.With("pg1", PatroniRole.Replica).With("pg2", PatroniRole.Leader).With("pg3", PatroniRole.SyncStandby);
        var live = await new PatroniCtl(patroni, await OneMember(), "pg-lab").StateAsync(CancellationToken.None);

        var item = Assert.Single(PatroniDrift.Find("lab", Lab.Spec, Rendered, live));

        Assert.Equal("./build.sh --target=Deploy --env=lab hands the leadership back to pg1 by a failover (pg1 is not the synchronous standby, so not a switchover)", item.Hint);
    }

    [Fact]
    public async Task Adopting_a_Patroni_report_writes_the_keys_that_map_and_makes_the_member_that_leads_the_preferred_one()
    {
        var live = Rendered.Replace("loop_wait: 10", "loop_wait: 7", StringComparison.Ordinal)
            .Replace("  parameters:\n", "  parameters:\n    work_mem: 8MB\n", StringComparison.Ordinal);
        var report = new DriftReport("lab", "environments/lab.yml", await Find(live, leader: "pg2"));

        var plan = DriftAdoption.Plan(report, PatroniFixture.EnvironmentText("lab"));

        Assert.Equal(["patroni.loop_wait", "postgres.settings.extra.work_mem", "patroni.preferred_leader"], plan.Adopted.Select(a => a.Item.AdoptPath));
        Assert.Empty(plan.NotAdopted);
        var adopted = Repo.Load(plan.EnvironmentText, "lab").Spec;
        Assert.Equal((7, "8MB", "pg2"), (adopted.Patroni!.LoopWait, adopted.Postgres.Settings.Extra["work_mem"], adopted.Patroni.PreferredLeader));
        Assert.Equal(Rendered.Replace("loop_wait: 10", "loop_wait: 7", StringComparison.Ordinal), PatroniDynamicConfig.Render(adopted).Replace("    work_mem: '8MB'\n", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Replication_on_the_leader_expects_each_other_member_streaming_under_its_name_through_the_slot_Patroni_names_after_it()
    {
        var replicas = new[] { "pg-2", "pg3" }.Select(m => new ExpectedReplica(m, SmokeExpectations.PatroniSlotName(m), false, m)).ToList();
        List<SlotRow> slots = [new("pg_2", "physical", true, false, "reserved"), new("pg3", "physical", true, false, "reserved")];

        Assert.Empty(ReplicationDrift.Find("pg1", replicas, slots, [Row("pg-2"), Row("pg3")]));
        Assert.Equal([("replica pg3", "connected", "not connected")],
            ReplicationDrift.Find("pg1", replicas, slots, [Row("pg-2")]).Select(i => (i.Field, i.Desired, i.Live)));
    }

    [Fact]
    public void A_member_s_published_port_changed_on_the_swarm_adopts_into_its_members_entry()
    {
        var field = new FieldChange("ports", "5433:5432/tcp/host", "5499:5432/tcp/host");

        Assert.Equal(("members[1].port", "5499"), ServiceFieldAdoption.For("pg2", field, Lab.Spec));
        Assert.Null(ServiceFieldAdoption.For("etcd2", field, Lab.Spec));
    }

    private static ReplicationRow Row(string applicationName) => new(applicationName, "streaming", "async", 0, TimeSpan.Zero);
}
