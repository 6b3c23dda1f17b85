using CliWrap;
using CliWrap.Buffered;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Rendering;

public class RendererTests
{

    private static RenderedEnvironment Render(ProjectLayout layout, string name) =>
        new EnvironmentRenderer(layout).Render(EnvironmentLoader.Load(layout, name).Unwrap()).Unwrap();

    public static TheoryData<string> Shipped() => new(Repo.ShippedEnvironments);

    /// <summary>Set UPDATE_GOLDEN=1 to rewrite the golden files after an intended template change, then review the diff.</summary>
    [Theory]
    [MemberData(nameof(Shipped))]
    public void Shipped_environments_render_as_the_golden_files(string name) =>
        GoldenFiles.AssertMatches(GoldenFiles.Directory(name), Render(Repo.Layout, name));

    /// <summary>The shipped environments as they were in the classic layout (Fixtures/classic) still render as they did.</summary>
    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    [InlineData("lab")]
    public void Classic_fixtures_render_as_the_golden_files(string name) =>
        GoldenFiles.AssertMatches(GoldenFiles.Directory("classic", name), Render(ClassicFixture.Scratch(), name));

    [Fact]
    public void Rendering_is_deterministic_byte_for_byte()
    {
        var layout = Repo.Scratch();
        var writer = new ArtifactWriter(layout);

        var first = writer.Write(Render(layout, "prod"));
        var firstBytes = Directory.EnumerateFiles(first).Order().Select(File.ReadAllBytes).ToList();
        var second = writer.Write(Render(layout, "prod"));
        var secondBytes = Directory.EnumerateFiles(second).Order().Select(File.ReadAllBytes).ToList();

        Assert.Equal(firstBytes, secondBytes);
    }

    [Fact]
    public void Manifest_lists_every_file_with_its_sha256()
    {
        var layout = ClassicFixture.Scratch();
        var rendered = Render(layout, "lab");
        var directory = new ArtifactWriter(layout).Write(rendered);

        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "manifest.json")));
        var files = manifest.RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString()!);

        Assert.Equal(["pg_hba.conf", "postgresql.conf", "primary.sh", "replica.sh", "stack.yml", "topology.md"], files.Keys.Order());
        foreach (var (path, sha) in files)
            Assert.Equal(ContentHash.Sha256(File.ReadAllText(Path.Combine(directory, path))), sha);
    }

    [Fact]
    public void A_config_gets_a_new_name_when_its_content_changes_and_only_then()
    {
        var layout = ClassicFixture.Scratch();
        var before = Render(layout, "lab").File("stack.yml").Content;
        var file = layout.EnvironmentFile("lab");
        File.WriteAllText(file, File.ReadAllText(file).Replace("address: 192.168.77.0/24", "address: 192.168.77.0/25"));

        var after = Render(layout, "lab").File("stack.yml").Content;

        string ConfigName(string stack, string key) => stack.Split('\n').Single(l => l.Trim().StartsWith($"name: pg-lab_{key}_", StringComparison.Ordinal)).Trim();
        Assert.NotEqual(ConfigName(before, "pg_hba_conf"), ConfigName(after, "pg_hba_conf"));
        Assert.Equal(ConfigName(before, "postgresql_conf"), ConfigName(after, "postgresql_conf"));
        Assert.Equal(ConfigName(before, "primary_sh"), ConfigName(after, "primary_sh"));
    }

    [Fact]
    public void Stack_has_the_swarm_settings_this_platform_needs()
    {
        var stack = Render(ClassicFixture.Scratch(), "prod").File("stack.yml").Content;

        Assert.Equal(3, Count(stack, "endpoint_mode: dnsrr"));
        Assert.Equal(3, Count(stack, "mode: host"));
        Assert.Equal(3, Count(stack, "order: stop-first") / 2);
        Assert.Equal(3, Count(stack, "failure_action: rollback"));
        Assert.Equal(3, Count(stack, "stop_signal: SIGINT"));
        Assert.Contains("node.labels.purpose == master", stack);
        Assert.Contains("driver: overlay", stack);
        Assert.DoesNotContain("latest", stack);
    }

    [Fact]
    public void Replica_script_keeps_passwords_out_of_the_command_line_and_conninfo()
    {
        var script = Render(ClassicFixture.Scratch(), "lab").File("replica.sh").Content;

        Assert.Contains("passfile=$PASSFILE", script);
        Assert.Contains("pg_basebackup", script);
        Assert.Contains("-X stream -S \"$SPG_SLOT\"", script);
        Assert.DoesNotContain("password=", script);
        Assert.DoesNotContain("PGPASSWORD", script);
    }

    [Fact]
    public void Synchronous_replicas_are_named_in_synchronous_standby_names()
    {
        var conf = Render(ClassicFixture.Scratch(), "prod").File("postgresql.conf").Content;

        Assert.Contains("synchronous_standby_names = 'ANY 1 (replica1)'", conf);
    }

    [Fact]
    public void A_template_that_uses_an_unknown_name_fails_with_its_position()
    {
        var layout = ClassicFixture.Scratch();
        var template = Path.Combine(layout.TemplatesDirectory, "postgresql.conf.sbn");
        File.WriteAllText(template, "# header\nport = {{ no_such_value }}\n");

        var result = new EnvironmentRenderer(layout).Render(EnvironmentLoader.Load(layout, "lab").Unwrap());

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("templates/postgresql.conf.sbn", error.File);
        Assert.Equal((2, 11), (error.Line, error.Column));
        Assert.Contains("no_such_value", error.Message);
    }

    [Fact]
    public void A_template_syntax_error_fails_with_its_position()
    {
        var layout = Repo.Scratch();
        File.WriteAllText(Path.Combine(layout.TemplatesDirectory, "pg_hba.conf.sbn"), "line one\n{{ for rule in hba_rules }}\nno end\n");

        var result = new EnvironmentRenderer(layout).Render(EnvironmentLoader.Load(layout, "lab").Unwrap());

        Assert.NotEmpty(result.Diagnostics);
        Assert.All(result.Diagnostics, d => Assert.Equal("templates/pg_hba.conf.sbn", d.File));
        Assert.Equal("fix the template syntax", result.Diagnostics[0].Hint);
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public async Task Docker_stack_config_accepts_the_rendered_stack(string name)
    {
        var layout = Repo.Scratch();
        var directory = new ArtifactWriter(layout).Write(Render(layout, name));

        var result = await Cli.Wrap("docker").WithArguments(["stack", "config", "-c", Path.Combine(directory, "stack.yml")])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("endpoint_mode: dnsrr", result.StandardOutput);
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public async Task Rendered_scripts_pass_shellcheck(string name)
    {
        var layout = Repo.Scratch();
        var directory = new ArtifactWriter(layout).Write(Render(layout, name));

        var scripts = Directory.GetFiles(directory, "*.sh").Order().ToList();
        Assert.NotEmpty(scripts);
        var result = await Cli.Wrap("shellcheck").WithArguments(["-s", "bash", .. scripts])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
    }

    private static int Count(string text, string find) => (text.Length - text.Replace(find, "", StringComparison.Ordinal).Length) / find.Length;
}
