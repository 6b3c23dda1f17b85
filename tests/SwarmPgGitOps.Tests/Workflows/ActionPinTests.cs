using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace SwarmPgGitOps.Tests.Workflows;

/// <summary>
/// Every action a workflow or one of the repository's composite actions uses is pinned to an exact release (v4.2.2) or a
/// commit sha, never to a branch (@main, @master) or a moving major or minor tag (@v4, @v4.2).
/// </summary>
public partial class ActionPinTests
{
    private static IEnumerable<(string Where, string Uses)> AllUses()
    {
        foreach (var workflow in WorkflowFiles.Workflows)
            foreach (var job in workflow.Jobs)
            {
                if (Yaml.Scalar(job.Node, "uses") is { } reusable)
                    yield return ($"{workflow.Path} job {job.Id}", reusable);
                foreach (var step in job.Steps)
                    if (Yaml.Scalar(step, "uses") is { } uses)
                        yield return ($"{workflow.Path} job {job.Id}", uses);
            }
        foreach (var (path, root) in WorkflowFiles.LocalActions)
            foreach (var step in Yaml.Sequence(Yaml.Mapping(root, "runs"), "steps")?.Children.Cast<YamlMappingNode>() ?? [])
                if (Yaml.Scalar(step, "uses") is { } uses)
                    yield return (path, uses);
    }

    public static bool IsPinned(string uses) =>
        uses.StartsWith("./", StringComparison.Ordinal)
        || (uses.StartsWith("docker://", StringComparison.Ordinal) ? PinnedImage().IsMatch(uses) : PinnedAction().IsMatch(uses));

    [Fact]
    public void Every_action_is_pinned_to_an_exact_release_or_a_commit()
    {
        var uses = AllUses().ToList();
        Assert.Contains(uses, u => u.Uses.StartsWith("actions/checkout@", StringComparison.Ordinal));

        var unpinned = uses.Where(u => !IsPinned(u.Uses)).Select(u => $"{u.Where}: uses: {u.Uses}").ToList();

        Assert.True(unpinned.Count == 0, $"pin these to an exact release such as @v4.2.2 or to a commit sha:\n{string.Join("\n", unpinned)}");
    }

    [Theory]
    [InlineData("actions/checkout@v4.2.2", true)]
    [InlineData("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683", true)]
    [InlineData("github/codeql-action/init@v3.28.0", true)]
    [InlineData("./.github/actions/setup-pipeline", true)]
    [InlineData("docker://alpine:3.20.3", true)]
    [InlineData("actions/checkout@v4", false)]
    [InlineData("actions/checkout@v4.2", false)]
    [InlineData("actions/checkout@main", false)]
    [InlineData("actions/checkout@master", false)]
    [InlineData("actions/checkout", false)]
    [InlineData("docker://alpine", false)]
    [InlineData("docker://alpine:latest", false)]
    public void Pinning_rule(string uses, bool pinned) => Assert.Equal(pinned, IsPinned(uses));

    [GeneratedRegex("""^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v?\d+\.\d+\.\d+([-+][\w.-]+)?|[0-9a-f]{40})$""")]
    private static partial Regex PinnedAction();

    [GeneratedRegex("""^docker://[^:@]+(:(?!latest$)[\w.-]+|@sha256:[0-9a-f]{64})$""")]
    private static partial Regex PinnedImage();
}
