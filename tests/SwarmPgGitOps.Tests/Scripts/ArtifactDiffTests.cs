using CliWrap;
using CliWrap.Buffered;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Scripts;

/// <summary>
/// .github/scripts/artifact-diff.sh, the pull-request comment: when a change moves anything in an environment's topology
/// (topology-diff.sh compares the Mermaid blocks), the diagram before and after come before the diffs.
/// </summary>
public sealed class ArtifactDiffTests
{
    /// <summary>artifacts/ of a scratch project whose lab.yml is the shipped one with <paramref name="find"/> replaced.</summary>
    private static string Artifacts(string? find = null, string? replace = null)
    {
        var layout = PatroniFixture.Scratch();
        if (find is not null)
            File.WriteAllText(layout.EnvironmentFile("lab"), PatroniFixture.With(find, replace!));
        foreach (var name in new[] { "lab", "prod" })
            new ArtifactWriter(layout).Write(new EnvironmentRenderer(layout).Render(EnvironmentLoader.Load(layout, name).Unwrap()).Unwrap());
        return layout.ArtifactsFor("lab")[..^"/lab".Length];
    }

    private static async Task<string> Diff(string baseArtifacts, string headArtifacts)
    {
        var result = await Cli.Wrap("bash").WithArguments([Path.Combine(Repo.Layout.Root, ".github", "scripts", "artifact-diff.sh"), baseArtifacts, headArtifacts, "base 1234567", "head 89abcde"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.StandardOutput;
    }

    private static List<string> MermaidBlocks(string markdown) =>
        markdown.Split("```mermaid\n").Skip(1).Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)]).ToList();

    [Fact]
    public async Task A_moved_port_shows_the_topology_before_and_after_ahead_of_the_diff()
    {
        var text = await Diff(Artifacts(), Artifacts("port: 5434", "port: 5435"));

        Assert.Contains("| lab | `connection-strings.md` changed, `stack.yml` changed, `topology.md` changed |", text);
        var section = text[text.IndexOf("#### Topology of lab\n", StringComparison.Ordinal)..text.IndexOf("<details><summary><b>lab</b>", StringComparison.Ordinal)];
        var (before, after) = (MermaidBlocks(section)[0], MermaidBlocks(section)[1]);
        Assert.Equal(2, MermaidBlocks(section).Count);
        Assert.Contains("Before (`base 1234567`):", section);
        Assert.Contains("After (`head 89abcde`):", section);
        Assert.Contains("port 5434, volume pg3_data", before);
        Assert.Contains("port 5435, volume pg3_data", after);
        Assert.DoesNotContain("#### Topology of prod", text);
    }

    [Fact]
    public async Task Another_preferred_leader_shows_the_topology_before_and_after()
    {
        var text = await Diff(Artifacts(), Artifacts("preferred_leader: pg1", "preferred_leader: pg2"));

        var blocks = MermaidBlocks(text[text.IndexOf("#### Topology of lab\n", StringComparison.Ordinal)..]);
        Assert.Contains("class i1 leader", blocks[0]);
        Assert.Contains("class i2 leader", blocks[1]);
    }

    [Fact]
    public async Task A_change_that_moves_nothing_in_the_picture_has_no_topology_section()
    {
        var text = await Diff(Artifacts(), Artifacts("shared_buffers: 64MB", "shared_buffers: 128MB"));

        Assert.Contains("| lab | `patroni-bootstrap.yml` changed, `patroni-dynamic.yml` changed, `stack.yml` changed |", text);
        Assert.DoesNotContain("#### Topology", text);
        Assert.DoesNotContain("```mermaid", text);
    }

    [Fact]
    public async Task A_new_environment_shows_its_topology_after_and_none_before()
    {
        var head = Artifacts();
        var empty = Directory.CreateTempSubdirectory("spg-diff-base-").FullName;

        var text = await Diff(empty, head);

        Assert.Contains("#### Topology of lab\n\nBefore (`base 1234567`): no topology.\n\nAfter (`head 89abcde`):\n\n```mermaid\nflowchart TB\n", text);
        Assert.Contains("#### Topology of prod\n", text);
    }
}
