using SwarmPgGitOps.Drift;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Drift;

public class DriftAdoptionTests
{
    private static readonly string Lab = ClassicFixture.LabText;

    private static AdoptionPlan Plan(params DriftItem[] items) => DriftAdoption.Plan(new DriftReport("lab", "environments/lab.yml", items), Lab);

    [Fact]
    public void Mapped_differences_are_written_into_the_file_and_the_rest_are_listed_with_a_reason()
    {
        var plan = Plan(
            new DriftItem("service pg-lab_primary", "image", "swarm-pg/postgres:15-lab", "swarm-pg/postgres:15.7-lab", "postgres.image", "swarm-pg/postgres:15.7-lab"),
            new DriftItem("service pg-lab_replica1", "resources.limits.memory", "(none)", "512M"));

        Assert.True(plan.ChangesFile);
        Assert.Equal("swarm-pg/postgres:15.7-lab", Repo.Load(plan.EnvironmentText, "lab").Spec.Postgres.Image);
        Assert.Equal("image", Assert.Single(plan.Adopted).Item.Field);
        Assert.Equal("the environment file has no key for it", Assert.Single(plan.NotAdopted).Problem);
    }

    [Fact]
    public void Two_differences_wanting_different_values_at_one_key_adopt_only_the_first()
    {
        var plan = Plan(
            new DriftItem("service pg-lab_primary", "image", "a:1", "a:2", "postgres.image", "a:2"),
            new DriftItem("service pg-lab_replica1", "image", "a:1", "a:3", "postgres.image", "a:3"),
            new DriftItem("service pg-lab_replica2", "image", "a:1", "a:2", "postgres.image", "a:2"));

        Assert.Equal([true, false, true], plan.Items.Select(i => i.Adopted));
        Assert.Contains("service pg-lab_primary image wants 'a:2'", plan.Items[1].Problem);
        Assert.Equal("a:2", Repo.Load(plan.EnvironmentText, "lab").Spec.Postgres.Image);
    }

    [Fact]
    public void A_value_that_would_break_the_file_is_not_adopted()
    {
        var plan = Plan(new DriftItem("service pg-lab_replica1", "published port", "5433", "many", "replicas[0].port", "many"));

        Assert.False(plan.ChangesFile);
        Assert.StartsWith("the file would no longer load: 'replicas[0].port' must be a whole number", Assert.Single(plan.NotAdopted).Problem);
    }
}
