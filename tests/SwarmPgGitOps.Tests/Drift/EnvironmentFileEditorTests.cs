using SwarmPgGitOps.Drift;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Drift;

public class EnvironmentFileEditorTests
{
    private static readonly string Lab = ClassicFixture.LabText;

    private static string Edited(string path, string value, string? text = null)
    {
        var attempt = EnvironmentFileEditor.TryApply(text ?? Lab, new YamlEdit(path, value));
        Assert.True(attempt.Succeeded, attempt.Problem);
        return attempt.Text!;
    }

    [Fact]
    public void Plain_value_is_replaced_and_the_rest_of_the_file_stays_byte_identical()
    {
        var text = Edited("postgres.image", "swarm-pg/postgres:15.7-lab");

        Assert.Equal(Repo.With(Lab, "  image: swarm-pg/postgres:15-lab\n", "  image: swarm-pg/postgres:15.7-lab\n"), text);
        Assert.Equal("swarm-pg/postgres:15.7-lab", Repo.Load(text, "lab").Spec.Postgres.Image);
    }

    [Fact]
    public void Value_in_a_list_item_is_found_by_index()
    {
        var text = Edited("replicas[1].port", "5444");

        Assert.Equal(Repo.With(Lab, "    port: 5434\n", "    port: 5444\n"), text);
        var spec = Repo.Load(text, "lab").Spec;
        Assert.Equal([5433, 5444], spec.Classic().Replicas.Select(r => r.Port));
    }

    [Fact]
    public void Value_in_a_flow_mapping_is_replaced_inside_the_braces_and_dotted_keys_are_matched_whole()
    {
        var text = Edited("replicas[0].placement.lab.node", "node3");

        Assert.Equal(Repo.With(Lab, "placement: { purpose: worker, lab.node: node2 }", "placement: { purpose: worker, lab.node: node3 }"), text);
        Assert.Equal("node3", Repo.Load(text, "lab").Spec.Classic().Replicas[0].Placement["lab.node"]);
    }

    [Fact]
    public void Quoted_value_keeps_its_quotes()
    {
        var text = Edited("postgres.settings.extra.log_connections", "off");

        Assert.Equal(Repo.With(Lab, "log_connections: \"on\"", "log_connections: \"off\""), text);
        Assert.Equal("off", Repo.Load(text, "lab").Spec.Postgres.Settings.Extra["log_connections"]);
    }

    [Fact]
    public void Missing_key_under_a_block_mapping_is_added_as_its_last_line()
    {
        var text = Edited("postgres.settings.extra.work_mem", "8MB");

        Assert.Equal(Repo.With(Lab, "      log_connections: \"on\"\n", "      log_connections: \"on\"\n      work_mem: 8MB\n"), text);
        Assert.Equal("8MB", Repo.Load(text, "lab").Spec.Postgres.Settings.Extra["work_mem"]);
    }

    [Fact]
    public void Missing_key_in_a_list_item_is_added_with_the_item_indentation()
    {
        var text = Edited("replicas[0].synchronous", "true");

        Assert.Equal(Repo.With(Lab, "    connect_host: 192.168.77.12\n", "    connect_host: 192.168.77.12\n    synchronous: true\n"), text);
        Assert.True(Repo.Load(text, "lab").Spec.Classic().Replicas[0].Synchronous);
    }

    [Theory]
    [InlineData("postgres.settings.extra.shared_buffers", "64MB # not a comment", "\"64MB # not a comment\"")]
    [InlineData("postgres.settings.extra.shared_buffers", "key: value", "\"key: value\"")]
    [InlineData("postgres.settings.extra.shared_buffers", "", "\"\"")]
    [InlineData("postgres.settings.extra.shared_buffers", "null", "\"null\"")]
    [InlineData("postgres.settings.extra.shared_buffers", "say \"hi\"\n", "\"say \\\"hi\\\"\\n\"")]
    [InlineData("nodes[0].labels.purpose", "master, primary", "\"master, primary\"")]
    [InlineData("nodes[0].labels.purpose", "*alias", "\"*alias\"")]
    public void Values_that_YAML_would_read_differently_are_quoted(string path, string value, string written)
    {
        var text = Edited(path, value);

        Assert.Contains(written, text);
        var spec = Repo.Load(text, "lab").Spec;
        Assert.Equal(value, path.StartsWith("nodes", StringComparison.Ordinal) ? spec.Nodes[0].Labels["purpose"] : spec.Postgres.Settings.Extra["shared_buffers"]);
    }

    [Theory]
    [InlineData("primary.placement.zone", "'primary.placement.zone' does not exist and 'primary.placement' is not a block mapping")]
    [InlineData("replicas[5].port", "'replicas' has 2 item(s), so it has no [5]")]
    [InlineData("postgres.settings", "'postgres.settings' is a mapping, not a single value")]
    [InlineData("postgres.image.tag", "'postgres.image' is a single value, so it has no 'tag'")]
    [InlineData("volumes[0].name", "'the document' has no 'volumes' list")]
    public void Edits_that_cannot_be_made_say_why(string path, string problem)
    {
        var attempt = EnvironmentFileEditor.TryApply(Lab, new YamlEdit(path, "x"));

        Assert.False(attempt.Succeeded);
        Assert.StartsWith(problem, attempt.Problem);
    }

    [Fact]
    public void Windows_line_endings_are_kept_for_added_lines()
    {
        var crlf = Lab.ReplaceLineEndings("\r\n");

        var text = Edited("postgres.settings.extra.work_mem", "8MB", crlf);

        Assert.Equal(Repo.With(crlf, "      log_connections: \"on\"\r\n", "      log_connections: \"on\"\r\n      work_mem: 8MB\r\n"), text);
    }

    [Fact]
    public void Key_added_at_the_end_of_a_file_without_a_final_line_break_goes_on_its_own_line()
    {
        var text = Edited("deploy.lock_timeout_seconds", "60", Lab.TrimEnd('\n'));

        Assert.EndsWith("  health_start_period_seconds: 120\n  lock_timeout_seconds: 60\n", text);
        Assert.Equal(60, Repo.Load(text, "lab").Spec.Deploy.LockTimeoutSeconds);
    }
}
