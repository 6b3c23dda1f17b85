using Docker.DotNet.Models;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Tests.Swarm;

public sealed class PatroniBootstrapTests
{
    /// <summary>A member's spec; <paramref name="bootstrapConfig"/> null: it does not mount the bootstrap file.</summary>
    private static ServiceSpec Member(string name, string? bootstrapConfig, string memberConfig) => new()
    {
        Name = name,
        TaskTemplate = new TaskSpec
        {
            ContainerSpec = new ContainerSpec
            {
                Image = "swarm-pg/postgres:17-lab",
                Configs =
                [
                    .. bootstrapConfig is null ? [] : new[] { new SwarmConfigReference { ConfigName = bootstrapConfig, File = new ConfigReferenceFileTarget { Name = DesiredStack.PatroniBootstrapFile, Mode = 292 } } },
                    new SwarmConfigReference { ConfigName = memberConfig, File = new ConfigReferenceFileTarget { Name = "/etc/swarm-pg/patroni/member.yml", Mode = 292 } },
                ],
            },
        },
    };

    private static DesiredStack Desired(params ServiceSpec[] services) => new("pg-lab", [], [
        new DesiredConfig("patroni_bootstrap", "pg-lab_patroni_bootstrap_new", []),
        new DesiredConfig("patroni_pg1", "pg-lab_patroni_pg1_aaaa", []),
        new DesiredConfig("patroni_pg2", "pg-lab_patroni_pg2_aaaa", []),
    ], [], services.Select(s => new DesiredService(s.Name![7..], s.Name, "member", s)).ToList());

    private static LiveStack Live(params ServiceSpec[] services) =>
        new([], [], [], services.Select(s => new SwarmService { ID = s.Name!, Spec = s }).ToList(), new Dictionary<string, string>());

    [Fact]
    public void An_existing_member_keeps_the_bootstrap_file_it_runs_with_and_the_new_one_is_not_created_for_nobody()
    {
        var desired = Desired(Member("pg-lab_pg1", "pg-lab_patroni_bootstrap_new", "pg-lab_patroni_pg1_aaaa"))
            .KeepingLiveBootstrap(Live(Member("pg-lab_pg1", "pg-lab_patroni_bootstrap_old", "pg-lab_patroni_pg1_aaaa")));

        var plan = DeployPlan.Compute(desired, Live(Member("pg-lab_pg1", "pg-lab_patroni_bootstrap_old", "pg-lab_patroni_pg1_aaaa")), prune: false);

        Assert.Equal(ChangeKind.Unchanged, plan.For("service", "pg-lab_pg1").Change);
        Assert.DoesNotContain(desired.Configs, c => c.Name == "pg-lab_patroni_bootstrap_new");
    }

    [Fact]
    public void A_new_member_gets_the_rendered_bootstrap_file()
    {
        var desired = Desired(Member("pg-lab_pg1", "pg-lab_patroni_bootstrap_new", "pg-lab_patroni_pg1_aaaa"), Member("pg-lab_pg2", "pg-lab_patroni_bootstrap_new", "pg-lab_patroni_pg2_aaaa"))
            .KeepingLiveBootstrap(Live(Member("pg-lab_pg1", "pg-lab_patroni_bootstrap_old", "pg-lab_patroni_pg1_aaaa")));

        Assert.Equal("pg-lab_patroni_bootstrap_new", desired.Services.Single(s => s.Key == "pg2").Spec.TaskTemplate!.ContainerSpec!.Configs![0].ConfigName);
        Assert.Contains(desired.Configs, c => c.Name == "pg-lab_patroni_bootstrap_new");
    }

    [Fact]
    public void Another_preferred_leader_moves_the_bootstrap_file_between_no_existing_members()
    {
        var live = Live(Member("pg-lab_pg1", "pg-lab_patroni_bootstrap_old", "pg-lab_patroni_pg1_aaaa"), Member("pg-lab_pg2", null, "pg-lab_patroni_pg2_aaaa"));
        var desired = Desired(Member("pg-lab_pg1", null, "pg-lab_patroni_pg1_aaaa"), Member("pg-lab_pg2", "pg-lab_patroni_bootstrap_new", "pg-lab_patroni_pg2_aaaa"))
            .KeepingLiveBootstrap(live);

        var plan = DeployPlan.Compute(desired, live, prune: false);

        Assert.Equal(ChangeKind.Unchanged, plan.For("service", "pg-lab_pg1").Change);
        Assert.Equal(ChangeKind.Unchanged, plan.For("service", "pg-lab_pg2").Change);
        Assert.DoesNotContain(desired.Configs, c => c.Name == "pg-lab_patroni_bootstrap_new");
    }

    [Fact]
    public void A_changed_member_file_still_updates_the_member()
    {
        var live = Live(Member("pg-lab_pg1", "pg-lab_patroni_bootstrap_old", "pg-lab_patroni_pg1_old"));
        var desired = Desired(Member("pg-lab_pg1", "pg-lab_patroni_bootstrap_new", "pg-lab_patroni_pg1_aaaa")).KeepingLiveBootstrap(live);

        var change = DeployPlan.Compute(desired, live, prune: false).For("service", "pg-lab_pg1");

        Assert.Equal(ChangeKind.Update, change.Change);
        Assert.Equal("configs", Assert.Single(change.Fields).Field);
    }
}
