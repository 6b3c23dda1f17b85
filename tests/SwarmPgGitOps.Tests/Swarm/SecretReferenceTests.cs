using Docker.DotNet.Models;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Drift;

namespace SwarmPgGitOps.Tests.Swarm;

/// <summary>Secret references as Deploy sends them to Swarm, and what a password rotation updates.</summary>
public class SecretReferenceTests
{
    private static readonly SecretValues Before = new("superuser-one", "replication-one");

    [Fact]
    public void The_converter_carries_uid_gid_and_mode_of_a_secret_to_the_swarm_reference()
    {
        var stack = StackFile.Parse("""
            services:
              db:
                image: postgres:15
                secrets:
                  - source: token
                    target: token
                    uid: "999"
                    gid: "998"
                    mode: 0440
                  - source: plain
                    target: plain
            secrets:
              token: {name: s_token, external: true}
              plain: {name: s_plain, external: true}
            """);

        var references = SecretsOf(StackConverter.Convert(stack, "s", _ => []).Services.Single().Spec);

        Assert.Equal([("s_token", "token", "999", "998", 0x120u), ("s_plain", "plain", "0", "0", 0x124u)],
            references.Select(r => (r.SecretName, r.File!.Name, r.File.UID, r.File.GID, r.File.Mode)));
    }

    [Fact]
    public void A_secret_whose_owner_or_mode_changed_is_a_service_change()
    {
        var lab = new RenderedLab();
        var live = lab.Live(services =>
        {
            SecretsOf(services["primary"])[0].File!.Mode = 0x124; // 0444
            SecretsOf(services["replica1"])[0].File!.UID = "999";
        });

        var plan = DeployPlan.Compute(lab.Desired, live, prune: false);

        Assert.Equal(["pg-lab_primary", "pg-lab_replica1"], Updated(plan));
        Assert.All(plan.Changes.Where(c => c.Change == ChangeKind.Update), c => Assert.Equal("secrets", Assert.Single(c.Fields).Field));
    }

    [Fact]
    public void The_same_stack_again_changes_nothing()
    {
        var lab = new RenderedLab();

        Assert.False(DeployPlan.Compute(lab.Desired, lab.Live(), prune: false).HasChanges);
    }

    [Fact]
    public void Rotating_the_superuser_password_updates_the_primary_only()
    {
        var (desired, live) = Rotation(new SecretValues("superuser-two", Before.ReplicationPassword));

        var plan = DeployPlan.Compute(desired, live, prune: false);

        Assert.Equal(["pg-lab_primary"], Updated(plan));
        Assert.Single(plan.Changes, c => c is { ObjectKind: "secret", Change: ChangeKind.Create });
    }

    [Fact]
    public void Rotating_the_replication_password_updates_the_primary_and_every_replica()
    {
        var (desired, live) = Rotation(new SecretValues(Before.SuperuserPassword, "replication-two"));

        var plan = DeployPlan.Compute(desired, live, prune: false);

        Assert.Equal(["pg-lab_primary", "pg-lab_replica1", "pg-lab_replica2"], Updated(plan));
    }

    /// <summary>The lab deployed with <see cref="Before"/>, and the lab wanted with <paramref name="after"/>.</summary>
    private static (DesiredStack Desired, LiveStack Live) Rotation(SecretValues after)
    {
        var deployed = new RenderedLab().Desired.WithSecretValues(Before);
        var live = new LiveStack(
            deployed.Networks.Select(n => new NetworkResponse { ID = n.Name, Name = n.Name }).ToList(),
            deployed.Configs.Select(c => new SwarmConfig { Spec = new SwarmConfigSpec { Name = c.Name } }).ToList(),
            deployed.Secrets.Select(s => new Secret { Spec = new SwarmSecretSpec { Name = s.Name } }).ToList(),
            deployed.Services.Select(s => new SwarmService { Spec = s.Spec }).ToList(),
            new Dictionary<string, string>());
        return (new RenderedLab().Desired.WithSecretValues(after), live);
    }

    private static IList<SecretReference> SecretsOf(ServiceSpec spec) => spec.TaskTemplate!.ContainerSpec!.Secrets!;

    private static List<string> Updated(DeployPlan plan) =>
        plan.Changes.Where(c => c is { ObjectKind: "service", Change: ChangeKind.Update }).Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
}
