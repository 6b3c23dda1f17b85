using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Tests.Swarm;

public sealed class SecretFingerprintTests
{
    [Theory]
    [InlineData("pg-lab_superuser_password", "one", "pg-lab_superuser_password", "one", true)]
    [InlineData("pg-lab_superuser_password", "one", "pg-lab_superuser_password", "two", false)]
    [InlineData("pg-lab_superuser_password", "one", "pg-lab_replication_password", "one", false)]
    [InlineData("pg-lab_superuser_password", "one", "pg-prod_superuser_password", "one", false)]
    [InlineData("pg-lab_superuser_password", "", "pg-lab_superuser_password", " ", false)]
    public void A_fingerprint_changes_with_the_value_and_with_the_secret_it_names(string name1, string value1, string name2, string value2, bool same)
    {
        var first = SecretFingerprint.Of(name1, value1);
        var second = SecretFingerprint.Of(name2, value2);

        Assert.Equal(same, first == second);
        Assert.Matches("^[0-9a-f]{32}$", first);
        Assert.DoesNotContain(value1.Trim() is { Length: > 0 } v ? v : "\0", first);
    }

    [Fact]
    public void Swarm_secrets_are_named_by_fingerprint_and_every_service_refers_to_the_new_names()
    {
        var desired = Deploying.Desired(superuserPassword: "superuser-one");

        Assert.Equal(
            [$"pg-lab_superuser_password_{SecretFingerprint.Of("pg-lab_superuser_password", "superuser-one")[..12]}",
             $"pg-lab_replication_password_{SecretFingerprint.Of("pg-lab_replication_password", "replication-one")[..12]}"],
            desired.Secrets.Select(s => s.Name));
        var names = desired.Secrets.Select(s => s.Name).ToHashSet();
        Assert.All(desired.Services, s => Assert.Subset(names, s.Spec.TaskTemplate!.ContainerSpec!.Secrets!.Select(r => r.SecretName).ToHashSet()));
        Assert.DoesNotContain(desired.Secrets, s => s.ToString().Contains("superuser-one", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rotated_replication_password_is_a_new_secret_rolled_out_primary_first_then_replicas_one_at_a_time_and_the_old_one_pruned()
    {
        var (deploying, old, rotated) = await Rotate("pg-lab_replication_password", "replication-two", Deploying.Desired(replicationPassword: "replication-two"));

        Assert.Equal(
            [$"create secret {rotated}",
             "update " + Deploying.Primary, "running " + Deploying.Primary, "update " + Deploying.Replica1, "running " + Deploying.Replica1,
             "update " + Deploying.Replica2, "running " + Deploying.Replica2, $"remove secret {old}"],
            deploying.Swarm.Journal);
        Assert.Contains(rotated, deploying.Swarm.SecretNames());
        Assert.DoesNotContain(old, deploying.Swarm.SecretNames());
    }

    [Fact]
    public async Task A_rotated_superuser_password_updates_the_primary_alone()
    {
        var (deploying, old, rotated) = await Rotate("pg-lab_superuser_password", "superuser-two", Deploying.Desired(superuserPassword: "superuser-two"));

        Assert.Equal(
            [$"create secret {rotated}", "update " + Deploying.Primary, "running " + Deploying.Primary, $"remove secret {old}"],
            deploying.Swarm.Journal);
    }

    /// <summary>Deploys the lab stack, then <paramref name="desired"/> with <paramref name="secret"/>'s new value; the secret's old and new names.</summary>
    private static async Task<(Deploying Deploying, string Old, string Rotated)> Rotate(string secret, string value, DesiredStack desired)
    {
        var deploying = await new Deploying().Deployed();
        var old = Assert.Single(deploying.Swarm.SecretNames(), n => n.StartsWith(secret + "_", StringComparison.Ordinal));
        await deploying.Deploy(desired);
        return (deploying, old, $"{secret}_{SecretFingerprint.Of(secret, value)[..12]}");
    }
}
