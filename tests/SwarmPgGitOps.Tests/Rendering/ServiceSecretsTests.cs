using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Rendering;

public class ServiceSecretsTests
{
    private static StackFile RenderedStack(string environment) =>
        StackFile.Parse(new EnvironmentRenderer(Repo.Layout).Render(Repo.Load(Repo.EnvironmentText(environment), environment)).Unwrap().File("stack.yml").Content);

    [Fact]
    public void The_primary_gets_both_passwords_and_a_replica_only_the_replication_password()
    {
        Assert.Equal([SecretValues.SuperuserPasswordKey, SecretValues.ReplicationPasswordKey], ServiceSecrets.For("primary").Select(m => m.Key));
        Assert.Equal([SecretValues.ReplicationPasswordKey], ServiceSecrets.For("replica").Select(m => m.Key));
    }

    [Theory]
    [InlineData("primary")]
    [InlineData("replica")]
    public void Every_secret_file_is_root_owned_and_readable_by_root_only(string role) =>
        Assert.All(ServiceSecrets.For(role), m => Assert.Equal(("0", "0", "0400"), (m.Uid, m.Gid, m.Mode)));

    [Theory]
    [MemberData(nameof(RendererTests.Shipped), MemberType = typeof(RendererTests))]
    public void Each_rendered_service_mounts_what_its_role_is_given_with_owner_and_mode(string environment)
    {
        var stack = RenderedStack(environment);
        var backupKeys = ServiceSecrets.OptionalKeysOf(Repo.Load(Repo.EnvironmentText(environment), environment).Spec);

        foreach (var (name, service) in stack.Services)
        {
            var role = service.Deploy.Labels["io.swarm-pg-gitops.role"];
            Assert.Equal(ServiceSecrets.For(role, backupKeys).Select(m => (m.Key, m.Key, m.Uid, m.Gid, m.Mode)),
                service.Secrets.Select(s => (s.Source, s.Target, s.Uid, s.Gid, s.Mode)));
        }
        // Only what may lead holds the superuser password: the classic primary, or any Patroni member.
        Assert.DoesNotContain(stack.Services.Where(s => s.Value.Deploy.Labels["io.swarm-pg-gitops.role"] is not ("primary" or "member")),
            s => s.Value.Secrets.Any(m => m.Source == SecretValues.SuperuserPasswordKey));
    }

    [Fact]
    public void With_a_repository_service_members_and_the_repository_get_the_backup_tls_files_and_the_others_none()
    {
        var stack = RenderedStack("lab");

        foreach (var (name, service) in stack.Services)
        {
            var tls = service.Secrets.Select(s => s.Source).Where(SecretValues.BackupTlsKeys.Contains).ToList();
            Assert.Equal(service.Deploy.Labels["io.swarm-pg-gitops.role"] is "member" or RenderBackup.Role ? SecretValues.BackupTlsKeys : [], tls);
        }
        Assert.DoesNotContain(stack.Services[RenderBackup.ServiceName].Secrets, s => s.Source.EndsWith("_password", StringComparison.Ordinal));
    }

    [Fact]
    public void The_entrypoints_read_only_the_secret_files_their_role_mounts()
    {
        var rendered = new EnvironmentRenderer(Repo.Layout).Render(Repo.Load(ClassicFixture.LabText, "lab")).Unwrap();

        foreach (var role in new[] { "primary", "replica" })
        {
            var script = rendered.File($"{role}.sh").Content;
            var read = SecretValues.Keys.Where(key => script.Contains($"/run/secrets/{key}", StringComparison.Ordinal));
            Assert.Equal(ServiceSecrets.For(role).Select(m => m.Key), read);
        }
    }
}
