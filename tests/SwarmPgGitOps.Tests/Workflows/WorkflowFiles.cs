using YamlDotNet.RepresentationModel;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Workflows;

/// <summary>The repository's GitHub Actions files (.github/workflows/*.yml, .github/actions/*/action.yml) read as YAML.</summary>
public static class WorkflowFiles
{
    public static string GitHubDirectory => Path.Combine(Repo.Layout.Root, ".github");

    public static IReadOnlyList<Workflow> Workflows { get; } =
        Directory.EnumerateFiles(Path.Combine(GitHubDirectory, "workflows"))
            .Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(Workflow.Load)
            .ToList();

    /// <summary>Composite actions of the repository; their steps' <c>uses:</c> run in the workflows' jobs.</summary>
    public static IReadOnlyList<(string Path, YamlMappingNode Root)> LocalActions { get; } =
        Directory.Exists(Path.Combine(GitHubDirectory, "actions"))
            ? Directory.EnumerateFiles(Path.Combine(GitHubDirectory, "actions"), "action.y*ml", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal)
                .Select(f => (Repo.Layout.Display(f), Yaml.Load(f)))
                .ToList()
            : [];

    /// <summary>Shell scripts the workflows run (.github/scripts/*.sh).</summary>
    public static IReadOnlyList<string> Scripts { get; } =
        Directory.Exists(Path.Combine(GitHubDirectory, "scripts"))
            ? Directory.EnumerateFiles(Path.Combine(GitHubDirectory, "scripts"), "*.sh").Order(StringComparer.Ordinal).ToList()
            : [];

    public static TheoryData<string> WorkflowNames() => new(Workflows.Select(w => w.Name));

    public static Workflow Named(string name) => Workflows.Single(w => w.Name == name);
}

/// <summary>One workflow file: its jobs, and each job's steps.</summary>
public sealed record Workflow(string Path, string Name, YamlMappingNode Root)
{
    public static Workflow Load(string path) =>
        new(Repo.Layout.Display(path), System.IO.Path.GetFileName(path), Yaml.Load(path));

    public IEnumerable<Job> Jobs => Yaml.Mapping(Root, "jobs")?.Children
        .Select(c => new Job(((YamlScalarNode)c.Key).Value!, (YamlMappingNode)c.Value)) ?? [];

    public Job Job(string id) => Jobs.Single(j => j.Id == id);
}

public sealed record Job(string Id, YamlMappingNode Node)
{
    public IEnumerable<YamlMappingNode> Steps => Yaml.Sequence(Node, "steps")?.Children.Cast<YamlMappingNode>() ?? [];

    public bool Has(string key) => Node.Children.ContainsKey(new YamlScalarNode(key));

    /// <summary>The values <c>${{ matrix.&lt;key&gt; }}</c> takes: from <c>strategy.matrix.&lt;key&gt;</c> and <c>include</c>.</summary>
    public IReadOnlyList<string> MatrixValues(string key)
    {
        var matrix = Yaml.Mapping(Yaml.Mapping(Node, "strategy"), "matrix");
        if (matrix is null)
            return [];
        var listed = Yaml.Sequence(matrix, key)?.Children.Select(v => ((YamlScalarNode)v).Value!) ?? [];
        var included = Yaml.Sequence(matrix, "include")?.Children.Cast<YamlMappingNode>()
            .Select(entry => Yaml.Scalar(entry, key)).OfType<string>() ?? [];
        return listed.Concat(included).Distinct().ToList();
    }
}

public static class Yaml
{
    public static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static YamlNode? Child(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static YamlMappingNode? Mapping(YamlMappingNode? node, string key) => Child(node, key) as YamlMappingNode;

    public static YamlSequenceNode? Sequence(YamlMappingNode? node, string key) => Child(node, key) as YamlSequenceNode;

    public static string? Scalar(YamlMappingNode? node, string key) => (Child(node, key) as YamlScalarNode)?.Value;
}
