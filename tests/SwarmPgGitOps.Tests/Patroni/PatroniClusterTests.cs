using System.Text.Json;
using SwarmPgGitOps.Patroni;

namespace SwarmPgGitOps.Tests.Patroni;

public sealed class PatroniClusterTests
{
    // The shape Patroni 4.0's REST API gives for /cluster: lag in bytes, left out on the leader, "unknown" when it cannot
    // tell; pending_restart only when true.
    private const string ThreeMembers = """
        {"members": [
          {"name": "pg2", "role": "sync_standby", "state": "streaming", "api_url": "http://pg2:8008/patroni", "host": "pg2", "port": 5432, "timeline": 3, "lag": 3565158},
          {"name": "pg1", "role": "leader", "state": "running", "api_url": "http://pg1:8008/patroni", "host": "pg1", "port": 5432, "timeline": 3},
          {"name": "pg3", "role": "replica", "state": "starting", "api_url": "http://pg3:8008/patroni", "host": "pg3", "port": 5432, "lag": "unknown",
           "pending_restart": true, "pending_restart_reason": {"shared_buffers": {"old_value": "64MB", "new_value": "128MB"}}}],
         "scope": "pg-lab"}
        """;

    private static PatroniCluster Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return PatroniCluster.FromClusterJson("pg-lab", document.RootElement);
    }

    [Fact]
    public void Reads_every_member_with_its_role_state_timeline_and_lag()
    {
        var cluster = Read(ThreeMembers);

        Assert.Equal(
            [
                new PatroniMember("pg1", "pg1", PatroniRole.Leader, "running", 3, null, false),
                new PatroniMember("pg2", "pg2", PatroniRole.SyncStandby, "streaming", 3, 3565158, false),
                new PatroniMember("pg3", "pg3", PatroniRole.Replica, "starting", null, null, true),
            ],
            cluster.Members);
        Assert.Equal("pg1", cluster.Leader?.Name);
        Assert.Equal([true, true, false], cluster.Members.Select(m => m.IsHealthy));
        Assert.Equal(["pg1 leader running", "pg2 sync standby streaming, lag 3.4 MB", "pg3 replica starting, lag unknown"], cluster.Members.Select(m => m.Summary));
    }

    [Fact]
    public void Two_members_holding_the_leader_role_give_no_single_leader()
    {
        var cluster = Read("""
            {"members": [{"name": "pg1", "role": "leader", "state": "running"}, {"name": "pg2", "role": "leader", "state": "running"}]}
            """);

        Assert.Null(cluster.Leader);
        Assert.Equal(["pg1", "pg2"], cluster.Leaders.Select(m => m.Name));
    }

    [Fact]
    public void A_cluster_without_members_has_no_leader()
    {
        var cluster = Read("""{"members": [], "scope": "pg-lab"}""");

        Assert.Empty(cluster.Members);
        Assert.Null(cluster.Leader);
    }

    [Fact]
    public void A_lag_under_a_megabyte_is_said_in_bytes_and_a_larger_one_in_megabytes()
    {
        PatroniMember Replica(long? lag) => new("pg2", "pg2", PatroniRole.Replica, "streaming", 1, lag, false);

        Assert.Equal(["0 B", "5,768 B", "1 MB", "40.5 MB", "unknown"],
            new long?[] { 0, 5768, 1024 * 1024, 40L * 1024 * 1024 + 512 * 1024, null }.Select(lag => Replica(lag).LagText));
    }
}
