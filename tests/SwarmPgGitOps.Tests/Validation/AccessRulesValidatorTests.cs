using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Tests.Support;
using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Tests.Validation;

public class AccessRulesValidatorTests
{
    private const string LabRule = "{ type: host, database: all, user: postgres, address: 192.168.77.0/24, method: scram-sha-256 }";

    private static IReadOnlyList<Diagnostic> Validate(string text, string name = "test")
    {
        var document = Repo.Load(text, name);
        return AccessRulesValidator.Validate(new EnvironmentRenderer(Repo.Layout).Render(document).Unwrap(), document);
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Shipped_environments_follow_the_policy(string name) => Assert.Empty(Validate(Repo.EnvironmentText(name), name));

    public static TheoryData<string> Shipped() => new(Repo.ShippedEnvironments);

    [Fact]
    public void Trust_on_a_network_rule_is_reported_at_the_rule_in_the_environment_file()
    {
        var text = ClassicFixture.LabWith(LabRule, LabRule.Replace("scram-sha-256", "trust"));

        var error = Assert.Single(Validate(text));

        Assert.Equal(Repo.Position(text, "{ type: host").Line, error.Line);
        Assert.StartsWith("access.rules[0]: rule \"host all postgres 192.168.77.0/24 trust\" lets network clients in without any password", error.Message);
    }

    [Fact]
    public void Md5_is_refused()
    {
        var error = Assert.Single(Validate(ClassicFixture.LabWith(LabRule, LabRule.Replace("scram-sha-256", "md5"))));

        Assert.Contains("uses md5 on a network connection", error.Message);
    }

    [Fact]
    public void Any_address_needs_the_environment_to_allow_it()
    {
        var open = ClassicFixture.LabWith(LabRule, LabRule.Replace("192.168.77.0/24", "0.0.0.0/0"));

        var refused = Assert.Single(Validate(open), d => d.IsError);
        var allowed = Validate(Repo.With(open, "access:\n", "access:\n  allow_any_address: true\n"));

        Assert.Contains("accepts connections from any address", refused.Message);
        Assert.DoesNotContain(allowed, d => d.IsError);
        Assert.Contains(allowed, d => d.Severity == Severity.Warning && d.Message.Contains("can never match"));
    }

    [Fact]
    public void Any_address_is_refused_in_prod_even_when_allowed()
    {
        var prod = Repo.With(Repo.With(Repo.EnvironmentText("prod"), "address: 10.30.0.0/16", "address: ::/0"), "access:\n", "access:\n  allow_any_address: true\n");

        var error = Assert.Single(Validate(prod, "prod"));

        Assert.StartsWith("Production never allows rules open to any address", error.Hint);
    }

    [Fact]
    public void A_rule_postgres_would_reject_is_reported_with_its_key()
    {
        var error = Assert.Single(Validate(ClassicFixture.LabWith(LabRule, LabRule.Replace("192.168.77.0/24", "192.168.77.0/40"))), d => d.IsError);

        Assert.StartsWith("access.rules[0]:", error.Message);
        Assert.Contains("192.168.77.0/40", error.Message);
    }

    [Fact]
    public void Unknown_method_is_reported()
    {
        var error = Assert.Single(Validate(ClassicFixture.LabWith(LabRule, LabRule.Replace("scram-sha-256", "scram"))), d => d.IsError);

        Assert.Contains("invalid authentication method \"scram\"", error.Message);
    }

    [Fact]
    public void Validator_reports_schema_policy_and_stack_problems_together()
    {
        var layout = ClassicFixture.Scratch();
        var file = layout.EnvironmentFile("lab");
        File.WriteAllText(file, Repo.With(Repo.With(File.ReadAllText(file), LabRule, LabRule.Replace("scram-sha-256", "trust")), "    slot: replica2", "    slot: replica1"));

        var report = new Validator(layout).Validate("lab");

        Assert.False(report.Passed);
        Assert.Contains(report.Diagnostics, d => d.Message == "replicas[1].slot 'replica1' is used twice");
        Assert.Contains(report.Diagnostics, d => d.Message.Contains("without any password"));
        Assert.All(report.Diagnostics, d => Assert.Equal("environments/lab.yml", d.File));
    }
}
