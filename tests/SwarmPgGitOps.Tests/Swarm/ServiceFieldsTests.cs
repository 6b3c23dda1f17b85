using Docker.DotNet.Models;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Tests.Swarm;

public sealed class ServiceFieldsTests
{
    private static ServiceSpec Member(string bootstrapConfig, string memberConfig) => new()
    {
        Name = "pg-lab_pg1",
        TaskTemplate = new TaskSpec
        {
            ContainerSpec = new ContainerSpec
            {
                Image = "swarm-pg/postgres:17-lab",
                Configs =
                [
                    new SwarmConfigReference { ConfigName = bootstrapConfig, File = new ConfigReferenceFileTarget { Name = ServiceFields.PatroniBootstrapFile, Mode = 292 } },
                    new SwarmConfigReference { ConfigName = memberConfig, File = new ConfigReferenceFileTarget { Name = "/etc/swarm-pg/patroni/member.yml", Mode = 292 } },
                ],
            },
        },
    };

    [Fact]
    public void A_new_Patroni_bootstrap_file_alone_is_no_reason_to_update_a_member()
    {
        Assert.Empty(ServiceFields.Compare(Member("pg-lab_patroni_bootstrap_bbbb", "pg-lab_patroni_pg1_aaaa"), Member("pg-lab_patroni_bootstrap_1111", "pg-lab_patroni_pg1_aaaa"), n => n));
    }

    [Fact]
    public void A_new_member_configuration_is()
    {
        var change = Assert.Single(ServiceFields.Compare(Member("pg-lab_patroni_bootstrap_1111", "pg-lab_patroni_pg1_bbbb"), Member("pg-lab_patroni_bootstrap_1111", "pg-lab_patroni_pg1_aaaa"), n => n));
        Assert.Equal("configs", change.Field);
    }
}
