using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Environments;

public class EnvironmentLoaderTests
{
    [Theory]
    [MemberData(nameof(Shipped))]
    public void Shipped_environments_load_without_problems(string name)
    {
        var result = EnvironmentLoader.Load(Repo.Layout, name);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(name, result.Value!.Name);
        Assert.Equal($"environments/{name}.yml", result.Value.File);
        var spec = result.Value.Spec;
        Assert.True(EnvironmentLayouts.Of(spec) == EnvironmentLayout.Patroni ? spec.PatroniCluster().Members.Count > 1 : spec.Classic().Replicas.Count > 0,
            $"{name} has one PostgreSQL server only");
    }

    public static TheoryData<string> Shipped() => new(Repo.ShippedEnvironments);

    [Fact]
    public void Lab_file_values_are_read_into_the_model()
    {
        var spec = EnvironmentLoader.Load(Repo.Layout, "lab").Unwrap().Spec;

        Assert.Equal("pg-lab", spec.Stack);
        Assert.Equal("unix:///run/swarm-pg-lab/node1/docker.sock", spec.Swarm.Endpoint);
        Assert.Equal(["pg1", "pg2", "pg3"], spec.PatroniCluster().Members.Select(m => m.Name));
        Assert.Equal("node1", spec.PatroniCluster().Members[0].Placement["lab.node"]);
        Assert.Equal(5433, spec.PatroniCluster().Members[1].Port);
        Assert.Equal(["etcd1", "etcd2", "etcd3"], spec.PatroniCluster().Dcs.Members.Select(m => m.Name));
        Assert.True(spec.Secrets.SuperuserPassword.Generate);
        Assert.Equal("64MB", spec.Postgres.Settings.Extra["shared_buffers"]);
        Assert.Equal(240, spec.Deploy.ConvergeTimeoutSeconds);
    }

    [Fact]
    public void Unknown_key_names_its_position_and_suggests_the_right_one()
    {
        var text = ClassicFixture.LabWith("  port: 5432\n", "  prot: 5432\n");

        var error = Assert.Single(Repo.Parse(text).Diagnostics);

        var (line, column) = Repo.Position(text, "prot:");
        Assert.Equal($"environments/test.yml:{line}:{column}: unknown key 'prot' in 'primary' (hint: did you mean 'port'?)", error.ToString());
    }

    [Fact]
    public void Unknown_key_without_a_near_match_lists_the_allowed_keys()
    {
        var text = ClassicFixture.LabWith("stack: pg-lab\n", "stack: pg-lab\nfavourite_colour: blue\n");

        var error = Assert.Single(Repo.Parse(text).Diagnostics);

        Assert.Contains("unknown key 'favourite_colour' in the file", error.Message);
        Assert.Contains("allowed keys: production, stack, swarm, nodes", error.Hint);
    }

    [Fact]
    public void Duplicate_key_is_an_error_at_the_second_occurrence()
    {
        var text = ClassicFixture.LabWith("stack: pg-lab\n", "stack: pg-lab\nstack: pg-other\n");

        var error = Assert.Single(Repo.Parse(text).Diagnostics);

        Assert.Equal(Repo.Position(text, "stack: pg-other").Line, error.Line);
        Assert.Contains("Duplicate key", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("each key may appear once", error.Hint);
    }

    [Fact]
    public void Wrong_type_names_the_key_and_the_value()
    {
        var text = ClassicFixture.LabWith("  port: 5432\n", "  port: fifty\n");

        var error = Assert.Single(Repo.Parse(text).Diagnostics);

        var (line, column) = Repo.Position(text, "fifty");
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Equal("'primary.port' must be a whole number, got 'fifty'", error.Message);
    }

    [Fact]
    public void Boolean_keys_accept_only_true_or_false()
    {
        var text = ClassicFixture.LabWith("hot_standby: true", "hot_standby: yes");

        var error = Assert.Single(Repo.Parse(text).Diagnostics);

        Assert.Equal("'postgres.settings.hot_standby' must be true or false, got 'yes'", error.Message);
        Assert.Equal("write true or false", error.Hint);
    }

    [Fact]
    public void Missing_required_key_points_at_the_mapping_that_lacks_it()
    {
        var text = ClassicFixture.LabWith("    slot: replica2\n", "");

        var error = Assert.Single(Repo.Parse(text).Diagnostics);

        Assert.Equal("'replicas[1]' is missing required key 'slot'", error.Message);
        Assert.Equal(Repo.Position(text, "- name: replica2").Line, error.Line);
    }

    [Fact]
    public void A_list_where_a_mapping_belongs_is_an_error()
    {
        var text = ClassicFixture.LabWith("  placement: { purpose: master }", "  placement: [master]");

        var error = Assert.Single(Repo.Parse(text).Diagnostics);

        Assert.Equal("'primary.placement' must be a mapping of keys to values, not a list", error.Message);
    }

    [Fact]
    public void Every_schema_problem_is_reported_at_once()
    {
        var text = Repo.With(Repo.With(ClassicFixture.LabWith("  port: 5432\n", "  port: x\n"), "    slot: replica2\n", "    slto: replica2\n"), "    port: 5433\n", "");

        var errors = Repo.Parse(text).Diagnostics;

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Message == "'primary.port' must be a whole number, got 'x'");
        Assert.Contains(errors, e => e.Message == "unknown key 'slto' in 'replicas[1]'" && e.Hint == "did you mean 'slot'?");
        Assert.Contains(errors, e => e.Message == "'replicas[0]' is missing required key 'port'");
    }

    [Fact]
    public void Yaml_syntax_error_has_a_position()
    {
        var text = ClassicFixture.LabWith("stack: pg-lab\n", "stack: pg-lab\n  oops: indented\n");

        var error = Assert.Single(Repo.Parse(text).Diagnostics);

        Assert.Equal(Repo.Position(text, "oops").Line, error.Line);
        Assert.Equal("check the indentation and quoting on this line", error.Hint);
    }

    [Fact]
    public void Unclosed_flow_list_is_an_error_not_a_crash()
    {
        var error = Assert.Single(Repo.Parse(ClassicFixture.LabWith("stack: pg-lab\n", "stack: [pg-lab\n")).Diagnostics);

        Assert.Contains("not valid YAML", error.Message);
    }

    [Fact]
    public void Empty_file_is_an_error()
    {
        var error = Assert.Single(Repo.Parse("").Diagnostics);

        Assert.Equal("environments/test.yml:1:1: the file is empty (hint: copy an existing environment file and change it)", error.ToString());
    }

    [Fact]
    public void Missing_environment_lists_the_ones_that_exist()
    {
        var error = Assert.Single(EnvironmentLoader.Load(Repo.Layout, "qa").Diagnostics);

        Assert.Equal("environment 'qa' does not exist", error.Message);
        Assert.Contains("dev, lab, prod, staging", error.Hint);
    }

    [Fact]
    public void Empty_value_for_a_required_key_is_an_error()
    {
        var text = ClassicFixture.LabWith("stack: pg-lab", "stack:");

        var error = Assert.Single(Repo.Parse(text).Diagnostics);

        Assert.Equal("'stack' has no value", error.Message);
    }
}
