using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Tests.Smoke;

public class HbaRuleChecksTests
{
    private static readonly SmokeExpectations Lab = Healthy.Expectations();

    private static Dictionary<string, SmokeCheck> Evaluate(IEnumerable<HbaFileRule> rules, SmokeExpectations? expected = null) =>
        HbaRuleChecks.Evaluate(rules.ToList(), expected ?? Lab).ToDictionary(c => c.Name);

    private static HbaFileRule Host(int line, string method, string address = "192.168.77.0", string netmask = "255.255.255.0", string type = "host") =>
        new(line, type, ["all"], ["all"], address, netmask, method, null);

    [Fact]
    public void The_rendered_rules_pass()
    {
        Assert.All(Evaluate(Healthy.HbaRules("replicator")).Values, c => Assert.True(c.Passed, c.Describe()));
    }

    [Theory]
    [InlineData("trust")]
    [InlineData("md5")]
    [InlineData("password")]
    public void Weak_methods_on_host_lines_fail_naming_the_line(string method)
    {
        var check = Evaluate([.. Healthy.HbaRules("replicator"), Host(20, method, type: "hostssl")])["hba.network_methods"];

        Assert.False(check.Passed);
        Assert.Equal($"line 20: hostssl {method}", check.Value);
    }

    [Fact]
    public void Trust_on_local_lines_is_not_a_network_method()
    {
        var check = Evaluate([.. Healthy.HbaRules("replicator"), new HbaFileRule(3, "local", ["all"], ["all"], null, null, "trust", null)])["hba.network_methods"];

        Assert.True(check.Passed);
    }

    [Fact]
    public void Lines_the_server_rejects_fail_with_their_error()
    {
        var check = Evaluate([.. Healthy.HbaRules("replicator"), new HbaFileRule(30, null, [], [], null, null, null, "invalid authentication method \"scram\"")])["hba.errors"];

        Assert.False(check.Passed);
        Assert.Equal("line 30: invalid authentication method \"scram\"", check.Value);
    }

    [Theory]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("::", "::")]
    [InlineData("all", null)]
    public void Rules_open_to_any_address_fail_unless_allowed(string address, string? netmask)
    {
        var rules = Healthy.HbaRules("replicator").Append(Host(40, "scram-sha-256", address, netmask!)).ToList();

        Assert.False(Evaluate(rules)["hba.any_address"].Passed);
        Assert.True(Evaluate(rules, Lab with { AnyAddressAllowed = true })["hba.any_address"].Passed);
    }

    [Fact]
    public void Production_never_allows_any_address_even_when_the_file_says_so()
    {
        var text = Support.Repo.With(Support.ClassicFixture.EnvironmentText("prod"), "access:\n", "access:\n  allow_any_address: true\n");

        var expected = SmokeExpectations.From(Support.Repo.Load(text, "prod"));

        Assert.False(expected.AnyAddressAllowed);
    }

    [Fact]
    public void A_catch_all_reject_is_not_an_open_rule()
    {
        var check = Evaluate([.. Healthy.HbaRules("replicator"), Host(50, "reject", "0.0.0.0", "0.0.0.0")])["hba.any_address"];

        Assert.True(check.Passed);
    }

    [Fact]
    public void Replication_access_for_the_replication_user_is_required()
    {
        var withoutReplication = Healthy.HbaRules("replicator").Where(r => !r.Databases.Contains("replication"));

        var check = Evaluate(withoutReplication)["hba.replication_rule"];

        Assert.False(check.Passed);
        Assert.Equal("missing", check.Value);
        Assert.Contains("replicator", check.Hint);
    }

    [Fact]
    public void Replication_access_through_all_users_with_cert_counts()
    {
        var rules = new[] { new HbaFileRule(5, "hostssl", ["replication"], ["all"], "10.0.0.0", "255.0.0.0", "cert", null) };

        Assert.True(Evaluate(rules)["hba.replication_rule"].Passed);
    }

    [Fact]
    public void Replication_access_with_md5_does_not_count()
    {
        var rules = new[] { new HbaFileRule(5, "host", ["replication"], ["replicator"], "10.0.0.0", "255.0.0.0", "md5", null) };

        Assert.False(Evaluate(rules)["hba.replication_rule"].Passed);
    }
}
