using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Tests.Smoke;

public sealed class EtcdChecksTests
{
    // etcdctl 3.5 `-w json` output, trimmed to the fields read.
    private const string MemberList = """
        {"header":{"cluster_id":1,"member_id":2,"raft_term":3},"members":[
          {"ID":11,"name":"etcd2","peerURLs":["http://etcd2:2380"],"clientURLs":["http://etcd2:2379"]},
          {"ID":12,"name":"etcd1","peerURLs":["http://etcd1:2380"],"clientURLs":["http://etcd1:2379"]},
          {"ID":13,"name":"etcd3","peerURLs":["http://etcd3:2380"],"clientURLs":["http://etcd3:2379"]}]}
        """;

    private const string OneUnhealthy = """
        [{"endpoint":"http://etcd1:2379","health":true,"took":"1.9ms"},
         {"endpoint":"http://etcd3:2379","health":false,"took":"5s","error":"context deadline exceeded"},
         {"endpoint":"http://etcd2:2379","health":true,"took":"2.2ms"}]
        """;

    [Fact]
    public void Reads_the_member_names_and_each_endpoints_health()
    {
        Assert.Equal(["etcd1", "etcd2", "etcd3"], EtcdCtl.MemberNames(MemberList));
        Assert.Equal(
            [
                new EtcdEndpointHealth("http://etcd1:2379", true, null),
                new EtcdEndpointHealth("http://etcd2:2379", true, null),
                new EtcdEndpointHealth("http://etcd3:2379", false, "context deadline exceeded"),
            ],
            EtcdCtl.Health(OneUnhealthy));
    }

    [Fact]
    public void An_unhealthy_endpoint_fails_with_etcds_own_error()
    {
        var checks = EtcdChecks.Evaluate(new EtcdStatus(EtcdCtl.MemberNames(MemberList), EtcdCtl.Health(OneUnhealthy)), ["etcd1", "etcd2", "etcd3"], "pg-lab");

        Assert.Equal(["etcd.health on http://etcd3:2379 = context deadline exceeded (expected healthy)"], checks.Where(c => !c.Passed).Select(c => c.Describe()));
        Assert.Equal(4, checks.Count);
    }

    [Fact]
    public void A_membership_that_differs_from_the_declared_members_fails()
    {
        var checks = EtcdChecks.Evaluate(new EtcdStatus(["etcd1", "etcd2"], []), ["etcd1", "etcd2", "etcd3"], "pg-lab");

        Assert.Equal("etcd.members on pg-lab = etcd1, etcd2 (expected etcd1, etcd2, etcd3)", Assert.Single(checks).Describe());
    }

    [Fact]
    public void External_etcd_is_judged_by_health_alone()
    {
        var checks = EtcdChecks.Evaluate(new EtcdStatus(["a", "b", "c"], [new EtcdEndpointHealth("https://etcd-a:2379", true, null)]), [], "pg-prod");

        Assert.Equal(["etcd.health"], checks.Select(c => c.Name));
    }
}
