using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.PgHba;

namespace SwarmPgGitOps.Tests.PgHba;

public class PgHbaPolicyTests
{
    private const string Replication = "hostssl replication replicator 10.0.1.0/24 scram-sha-256";

    private static readonly PgHbaPolicyOptions Staging = new("pg_hba.conf", "replicator", AllowAnyAddress: false, IsProduction: false);

    private static IReadOnlyList<Diagnostic> Check(string text, PgHbaPolicyOptions? options = null)
    {
        var document = PgHbaParser.Parse(text, "pg_hba.conf", HbaTestLines.SslServer);
        Assert.Empty(document.Errors);
        return PgHbaPolicy.Check(document.Rules, options ?? Staging);
    }

    [Fact]
    public void Secure_file_passes()
    {
        Assert.Empty(Check($"""
            local all postgres peer
            local all all trust
            hostssl all all 10.0.1.0/24 scram-sha-256
            {Replication}
            host all all all reject
            """));
    }

    [Theory]
    [InlineData("host")]
    [InlineData("hostnossl")]
    public void Production_with_tls_refuses_a_network_rule_that_admits_clear_text(string type)
    {
        var production = Staging with { IsProduction = true, RequireTls = true };

        var diagnostic = Assert.Single(Check($"{Replication}\n{type} app app 10.0.1.0/24 scram-sha-256\nhost all all 0.0.0.0/0 reject\n", production));

        Assert.Equal($"rule \"{type} app app 10.0.1.0/24 scram-sha-256\" admits connections without TLS ({type}); production admits network clients over TLS only", diagnostic.Message);
        Assert.Equal((2, 1), (diagnostic.Line, diagnostic.Column));
        Assert.StartsWith("Use type hostssl", diagnostic.Hint);
        Assert.Empty(Check($"{Replication}\nhostssl app app 10.0.1.0/24 scram-sha-256\n", production));
    }

    [Fact]
    public void Trust_on_a_host_rule_is_refused_at_the_method()
    {
        var diagnostic = Assert.Single(Check($"{Replication}\nhost  app all 10.0.1.0/24 trust\n"));

        Assert.Equal("rule \"host app all 10.0.1.0/24 trust\" lets network clients in without any password (trust)", diagnostic.Message);
        Assert.Equal((2, 27), (diagnostic.Line, diagnostic.Column));
        Assert.Contains("scram-sha-256", diagnostic.Hint);
        Assert.Equal(Severity.Error, diagnostic.Severity);
    }

    [Theory]
    [InlineData("hostnossl")]
    [InlineData("hostgssenc")]
    public void Trust_is_refused_on_every_network_connection_type(string type)
    {
        var diagnostic = Assert.Single(Check($"{Replication}\n{type} app all 10.0.1.0/24 trust\n"));

        Assert.EndsWith("lets network clients in without any password (trust)", diagnostic.Message);
    }

    [Fact]
    public void Md5_on_a_host_rule_is_refused_with_a_scram_hint()
    {
        var diagnostic = Assert.Single(Check($"{Replication}\nhost app all 10.0.1.0/24 md5\n"));

        Assert.Equal("rule \"host app all 10.0.1.0/24 md5\" uses md5 on a network connection; passwords must use scram-sha-256", diagnostic.Message);
        Assert.StartsWith("Replace md5 with scram-sha-256", diagnostic.Hint);
    }

    [Fact]
    public void Password_on_a_host_rule_is_refused()
    {
        var diagnostic = Assert.Single(Check($"{Replication}\nhost app all 10.0.1.0/24 password\n"));

        Assert.Equal("rule \"host app all 10.0.1.0/24 password\" sends the password in clear text (password); passwords must use scram-sha-256", diagnostic.Message);
    }

    [Theory]
    [InlineData("0.0.0.0/0", 17)]
    [InlineData("::/0", 17)]
    [InlineData("0.0.0.0 0.0.0.0", 17)]
    [InlineData("all", 17)]
    public void Any_address_is_refused_unless_allowed(string address, int column)
    {
        var diagnostic = Assert.Single(Check($"{Replication}\nhostssl app all {address} scram-sha-256\n"));

        Assert.Equal($"rule \"hostssl app all {address} scram-sha-256\" accepts connections from any address", diagnostic.Message);
        Assert.Equal((2, column), (diagnostic.Line, diagnostic.Column));
        Assert.Equal("Narrow the address to the client networks, or set access.allow_any_address: true in this non-production environment.", diagnostic.Hint);
    }

    [Fact]
    public void Any_address_is_accepted_when_allowed_outside_production()
    {
        Assert.Empty(Check($"{Replication}\nhostssl app all 0.0.0.0/0 scram-sha-256\n", Staging with { AllowAnyAddress = true }));
    }

    [Fact]
    public void Any_address_is_refused_in_production_even_when_allowed()
    {
        var diagnostic = Assert.Single(Check($"{Replication}\nhostssl app all 0.0.0.0/0 scram-sha-256\n",
            Staging with { AllowAnyAddress = true, IsProduction = true }));

        Assert.Equal("rule \"hostssl app all 0.0.0.0/0 scram-sha-256\" accepts connections from any address", diagnostic.Message);
        Assert.StartsWith("Production never allows rules open to any address, even with access.allow_any_address", diagnostic.Hint);
    }

    [Fact]
    public void Any_address_reject_is_a_safe_catch_all()
    {
        Assert.Empty(Check($"{Replication}\nhost all all 0.0.0.0/0 reject\n", Staging with { IsProduction = true }));
    }

    [Fact]
    public void Missing_replication_access_is_reported_for_the_file()
    {
        var diagnostic = Assert.Single(Check("hostssl app all 10.0.1.0/24 scram-sha-256\n"));

        Assert.Equal("no rule gives the replication user \"replicator\" replication access over the network with scram-sha-256 or cert", diagnostic.Message);
        Assert.Equal((0, 0), (diagnostic.Line, diagnostic.Column));
        Assert.Contains("hostssl replication replicator", diagnostic.Hint);
    }

    [Fact]
    public void Replication_access_through_the_all_user_counts()
    {
        Assert.Empty(Check("hostssl replication all 10.0.1.0/24 scram-sha-256\n"));
    }

    [Fact]
    public void Replication_access_with_cert_counts()
    {
        Assert.Empty(Check("hostssl replication replicator 10.0.1.0/24 cert\n"));
    }

    [Theory]
    [InlineData("hostssl replication other 10.0.1.0/24 scram-sha-256")]
    [InlineData("hostssl all replicator 10.0.1.0/24 scram-sha-256")]
    [InlineData("hostssl \"replication\" replicator 10.0.1.0/24 scram-sha-256")]
    [InlineData("hostssl replication replicator 10.0.1.0/24 reject")]
    [InlineData("hostssl replication +replicator 10.0.1.0/24 scram-sha-256")]
    [InlineData("local replication replicator scram-sha-256")]
    public void Rules_that_do_not_give_replication_access_do_not_count(string rule)
    {
        var diagnostics = Check(rule + "\n");

        Assert.Contains(diagnostics, d => d.Message.StartsWith("no rule gives the replication user \"replicator\" replication access"));
    }

    [Fact]
    public void Md5_replication_rule_is_refused_and_does_not_count()
    {
        var messages = Check("host replication replicator 10.0.1.0/24 md5\n").Select(d => d.Message).ToList();

        Assert.Equal(
            ["rule \"host replication replicator 10.0.1.0/24 md5\" uses md5 on a network connection; passwords must use scram-sha-256",
             "no rule gives the replication user \"replicator\" replication access over the network with scram-sha-256 or cert"],
            messages);
    }

    [Fact]
    public void Local_trust_is_allowed()
    {
        Assert.Empty(Check($"local all all trust\n{Replication}\n"));
    }

    [Fact]
    public void Rule_behind_a_broader_earlier_rule_is_warned_about()
    {
        var diagnostic = Assert.Single(Check($"""
            {Replication}
            host all all 10.0.0.0/16 scram-sha-256
            hostssl app alice 10.0.1.0/24 scram-sha-256
            """));

        Assert.Equal(Severity.Warning, diagnostic.Severity);
        Assert.Equal((3, 1), (diagnostic.Line, diagnostic.Column));
        Assert.Equal("rule \"hostssl app alice 10.0.1.0/24 scram-sha-256\" can never match: the rule on line 2 (\"host all all 10.0.0.0/16 scram-sha-256\") matches every connection it would", diagnostic.Message);
        Assert.Equal("Remove it, or move it above line 2 if it should take precedence.", diagnostic.Hint);
    }

    [Theory]
    [InlineData("host all all 10.0.0.0/16 scram-sha-256", "host replication replicator 10.0.1.0/24 scram-sha-256")]
    [InlineData("hostssl all all 10.0.0.0/16 scram-sha-256", "host app all 10.0.1.0/24 scram-sha-256")]
    [InlineData("host all all 10.0.1.0/24 scram-sha-256", "host all all 10.0.0.0/16 scram-sha-256")]
    [InlineData("host app all 10.0.0.0/16 scram-sha-256", "host app,other all 10.0.1.0/24 scram-sha-256")]
    [InlineData("host all alice 10.0.0.0/16 scram-sha-256", "host all +alice 10.0.1.0/24 scram-sha-256")]
    [InlineData("host all all 10.0.0.0/16 scram-sha-256", "host all all fd00::/64 scram-sha-256")]
    [InlineData("host all all samenet scram-sha-256", "host all all samenet scram-sha-256")]
    public void Rules_that_can_still_match_are_not_warned_about(string earlier, string later)
    {
        var diagnostics = Check($"{Replication}\n{earlier}\n{later}\n", Staging with { AllowAnyAddress = true });

        Assert.DoesNotContain(diagnostics, d => d.Severity == Severity.Warning);
    }
}
