using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Tests.Smoke;

public class EndpointChecksTests
{
    private const string Service = "pg-lab_haproxy";

    [Fact]
    public void The_read_write_port_passes_on_the_leader_Patroni_names()
    {
        var check = EndpointChecks.Evaluate(EndpointKind.ReadWrite, "192.168.77.12:5000", Service, new ServingMember("pg1", InRecovery: false), "pg1");

        Assert.True(check.Passed);
        Assert.Equal(("endpoint read-write", "192.168.77.12:5000", "pg1 (not in recovery)"), (check.Name, check.Target, check.Value));
    }

    [Fact]
    public void The_read_write_port_on_a_replica_fails_with_a_hint()
    {
        var check = EndpointChecks.Evaluate(EndpointKind.ReadWrite, "192.168.77.12:5000", Service, new ServingMember("pg2", InRecovery: true), "pg1");

        Assert.False(check.Passed);
        Assert.Contains("/primary", check.Hint, StringComparison.Ordinal);
        Assert.Contains(Service, check.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void The_read_write_port_on_a_writable_member_that_Patroni_does_not_name_leader_fails()
    {
        var check = EndpointChecks.Evaluate(EndpointKind.ReadWrite, "192.168.77.11:5000", Service, new ServingMember("pg2", InRecovery: false), "pg1");

        Assert.False(check.Passed);
        Assert.Contains("Patroni names pg1 leader", check.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_Patroni_s_answer_the_read_write_port_is_judged_by_recovery_alone()
    {
        Assert.True(EndpointChecks.Evaluate(EndpointKind.ReadWrite, "h:5000", Service, new ServingMember("pg2", InRecovery: false), leader: null).Passed);
        Assert.False(EndpointChecks.Evaluate(EndpointKind.ReadWrite, "h:5000", Service, new ServingMember("pg2", InRecovery: true), leader: null).Passed);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void The_read_only_port_passes_on_a_replica_only(bool inRecovery, bool passes)
    {
        var check = EndpointChecks.Evaluate(EndpointKind.ReadOnly, "192.168.77.13:5001", Service, new ServingMember("pg3", inRecovery), "pg1");

        Assert.Equal(passes, check.Passed);
        Assert.Equal(passes, check.Hint is null);
    }

    [Fact]
    public void An_endpoint_nothing_answers_on_fails_naming_the_service()
    {
        var check = EndpointChecks.Unreachable(EndpointKind.ReadOnly, "192.168.77.13:5001", Service, "connection refused");

        Assert.False(check.Passed);
        Assert.Equal("connection refused", check.Value);
        Assert.Contains($"docker service ps {Service}", check.Hint, StringComparison.Ordinal);
    }
}
