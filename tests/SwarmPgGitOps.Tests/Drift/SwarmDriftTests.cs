using Docker.DotNet.Models;
using SwarmPgGitOps.Drift;

namespace SwarmPgGitOps.Tests.Drift;

public sealed class SwarmDriftTests
{
    private static readonly RenderedLab Lab = new();

    private static IReadOnlyList<DriftItem> Find(Action<Dictionary<string, ServiceSpec>> change) => SwarmDrift.Find(Lab.Desired, Lab.Live(change), Lab.Spec);

    [Fact]
    public void A_stack_as_deployed_has_no_drift() =>
        Assert.Empty(SwarmDrift.Find(Lab.Desired, Lab.Live(), Lab.Spec));

    [Fact]
    public void Swarm_pinning_the_image_to_a_digest_is_not_drift() =>
        Assert.Empty(Find(s => s["primary"].TaskTemplate.ContainerSpec.Image += "@sha256:" + new string('a', 64)));

    [Fact]
    public void A_hand_changed_image_is_adopted_into_postgres_image_and_a_hand_added_env_var_is_not_adoptable_nor_shown()
    {
        var items = Find(s =>
        {
            s["primary"].TaskTemplate.ContainerSpec.Image = "swarm-pg/postgres:15-drift";
            s["replica1"].TaskTemplate.ContainerSpec.Env.Add("FOO=bar");
        });

        Assert.Equal(2, items.Count);
        Assert.Equal(new DriftItem("service pg-lab_primary", "image", "swarm-pg/postgres:15-lab", "swarm-pg/postgres:15-drift", "postgres.image", "swarm-pg/postgres:15-drift"), items[0]);
        var env = items[1];
        Assert.Equal(("service pg-lab_replica1", "env"), (env.Object, env.Field));
        Assert.Equal("(hidden)", env.Desired);
        Assert.Equal("differs: FOO added", env.Live);
        Assert.False(env.CanBeAdopted);
    }

    [Fact]
    public void A_changed_published_port_is_adopted_into_the_port_of_that_replica()
    {
        var item = Assert.Single(Find(s => s["replica2"].EndpointSpec.Ports[0].PublishedPort = 6434));

        Assert.Equal(("service pg-lab_replica2", "ports", "5434:5432/tcp/host", "6434:5432/tcp/host"), (item.Object, item.Field, item.Desired, item.Live));
        Assert.Equal(("replicas[1].port", "6434"), (item.AdoptPath, item.AdoptValue));
    }

    [Fact]
    public void Durations_rendered_from_one_deploy_key_are_adopted_in_seconds()
    {
        var items = Find(s =>
        {
            s["primary"].TaskTemplate.ContainerSpec.StopGracePeriod = TimeSpan.FromSeconds(45);
            s["replica1"].TaskTemplate.ContainerSpec.Healthcheck.StartPeriod = TimeSpan.FromSeconds(300);
            s["replica2"].UpdateConfig.Monitor = TimeSpan.FromSeconds(20);
        });

        Assert.Equal(
            [("stop_grace_period", "deploy.stop_grace_period_seconds", "45"), ("healthcheck", "deploy.health_start_period_seconds", "300"), ("update_config", "deploy.update_monitor_seconds", "20")],
            items.Select(i => (i.Field, i.AdoptPath, i.AdoptValue)));
    }

    [Fact]
    public void A_composite_field_that_differs_in_more_than_its_adoptable_part_is_not_adoptable()
    {
        var item = Assert.Single(Find(s =>
        {
            s["primary"].TaskTemplate.ContainerSpec.Healthcheck.StartPeriod = TimeSpan.FromSeconds(300);
            s["primary"].TaskTemplate.ContainerSpec.Healthcheck.Retries = 9;
        }));

        Assert.Equal("healthcheck", item.Field);
        Assert.False(item.CanBeAdopted);
    }

    [Fact]
    public void Replicas_labels_and_placement_changed_by_hand_are_reported_and_not_adoptable()
    {
        var items = Find(s =>
        {
            s["replica1"].Mode.Replicated.Replicas = 0;
            s["replica1"].Labels["owner"] = "someone";
            s["replica1"].TaskTemplate.Placement.Constraints = ["node.labels.purpose==worker"];
        });

        Assert.Equal(["labels", "placement", "replicas"], items.Select(i => i.Field));
        Assert.Equal(("1", "0"), (items[2].Desired, items[2].Live));
        Assert.All(items, i => Assert.False(i.CanBeAdopted));
    }

    [Fact]
    public void A_replicated_service_made_global_by_hand_is_reported_as_global()
    {
        var item = Assert.Single(Find(s => s["replica1"].Mode = new Docker.DotNet.Models.ServiceMode { Global = new Docker.DotNet.Models.GlobalService() }));

        Assert.Equal(("replicas", "1", "global"), (item.Field, item.Desired, item.Live));
    }

    [Fact]
    public void Missing_and_extra_objects_are_reported()
    {
        var complete = Lab.Live();
        var secret = Lab.Desired.Secrets[0].Name;
        var config = Lab.Desired.Configs[0].Name;
        var extra = new ServiceSpec { Name = "pg-lab_pgadmin", Labels = new Dictionary<string, string> { ["com.docker.stack.namespace"] = "pg-lab" } };
        var live = complete with
        {
            Networks = [],
            Configs = complete.Configs.Where(c => c.Spec.Name != config).ToList(),
            Secrets = complete.Secrets.Where(s => s.Spec.Name != secret).ToList(),
            Services = [.. complete.Services.Where(s => s.Spec.Name != "pg-lab_replica2"), new SwarmService { Spec = extra }],
        };

        var items = SwarmDrift.Find(Lab.Desired, live, Lab.Spec);

        Assert.Equal(
        [
            ("network pg-lab_pgnet", "network", "present", "missing"),
            ($"config {config}", "config", "present", "missing"),
            ($"secret {secret}", "secret", "present", "missing"),
            ("service pg-lab_replica2", "service", "present", "missing"),
            ("service pg-lab_pgadmin", "service", "(not in git)", "present"),
        ], items.Select(i => (i.Object, i.Field, i.Desired, i.Live)));
        Assert.All(items, i => Assert.False(i.CanBeAdopted));
    }
}
