using SwarmPgGitOps.Patroni;

namespace SwarmPgGitOps.Tests.Patroni;

public sealed class PatroniClusterTests
{
    // The shape patronictl 4.0 prints for `list --format json`: empty columns are left out (the leader has no lag).
    private const string ThreeMembers = """
        [{"Cluster": "pg-lab", "Member": "pg2", "Host": "pg2", "Role": "Sync Standby", "State": "streaming", "TL": 3, "Lag in MB": 0},
         {"Cluster": "pg-lab", "Member": "pg1", "Host": "pg1", "Role": "Leader", "State": "running", "TL": 3},
         {"Cluster": "pg-lab", "Member": "pg3", "Host": "pg3", "Role": "Replica", "State": "starting", "Lag in MB": "unknown", "Pending restart": "*"}]
        """;

    [Fact]
    public void Reads_every_member_with_its_role_state_timeline_and_lag()
    {
        var cluster = PatroniCluster.FromListJson("pg-lab", ThreeMembers);

        Assert.Equal(
            [
                new PatroniMember("pg1", "pg1", PatroniRole.Leader, "running", 3, null, false),
                new PatroniMember("pg2", "pg2", PatroniRole.SyncStandby, "streaming", 3, 0, false),
                new PatroniMember("pg3", "pg3", PatroniRole.Replica, "starting", null, null, true),
            ],
            cluster.Members);
        Assert.Equal("pg1", cluster.Leader?.Name);
        Assert.Equal([true, true, false], cluster.Members.Select(m => m.IsHealthy));
    }

    [Fact]
    public void Two_members_holding_the_leader_role_give_no_single_leader()
    {
        var cluster = PatroniCluster.FromListJson("pg-lab", """
            [{"Member": "pg1", "Role": "Leader", "State": "running"}, {"Member": "pg2", "Role": "Leader", "State": "running"}]
            """);

        Assert.Null(cluster.Leader);
        Assert.Equal(["pg1", "pg2"], cluster.Leaders.Select(m => m.Name));
    }

    [Fact]
    public void A_cluster_without_members_has_no_leader()
    {
        var cluster = PatroniCluster.FromListJson("pg-lab", "[]");

        Assert.Empty(cluster.Members);
        Assert.Null(cluster.Leader);
    }
}
