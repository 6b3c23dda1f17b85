namespace SwarmPgGitOps;

/// <summary>Where the project's folders are: environments/, templates/, artifacts/ under one root.</summary>
public sealed record ProjectLayout(string Root)
{
    public string EnvironmentsDirectory => Path.Combine(Root, "environments");
    public string TemplatesDirectory => Path.Combine(Root, "templates");
    public string ArtifactsDirectory => Path.Combine(Root, "artifacts");
    public string SecretsDirectory => Path.Combine(Root, ".secrets");
    public string LabDirectory => Path.Combine(Root, ".lab");

    public string ArtifactsFor(string environment) => Path.Combine(ArtifactsDirectory, environment);

    public string EnvironmentFile(string environment) => Path.Combine(EnvironmentsDirectory, environment + ".yml");

    /// <summary>How paths are shown to users: relative to the root, with forward slashes.</summary>
    public string Display(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    /// <summary>Every environment's name, from the files in environments/, sorted.</summary>
    public IReadOnlyList<string> EnvironmentNames() =>
        Directory.EnumerateFiles(EnvironmentsDirectory, "*.yml")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The order `all` runs every task in: the promotion order of the deploy workflow, then every other environment
    /// by name. A deploy of `all` deploys in this order and stops at the first failure.
    /// </summary>
    public static IReadOnlyList<string> PromotionOrder => Promotion;

    private static readonly string[] Promotion = ["dev", "staging", "prod"];

    /// <summary>
    /// `all` means every environment, in <see cref="PromotionOrder"/>; otherwise a comma-separated list of names, in
    /// the order given, each once.
    /// </summary>
    public IReadOnlyList<string> SelectEnvironments(string selector) =>
        selector.Trim() == "all"
            ? EnvironmentNames()
                .OrderBy(name => Array.IndexOf(Promotion, name) is var rank and >= 0 ? rank : Promotion.Length)
                .ThenBy(name => name, StringComparer.Ordinal)
                .ToList()
            : selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();

    public static ProjectLayout Discover(string startDirectory)
    {
        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "environments")) && Directory.Exists(Path.Combine(dir.FullName, "templates")))
                return new ProjectLayout(dir.FullName);
        }
        throw new DirectoryNotFoundException($"no folder with environments/ and templates/ above {startDirectory}");
    }
}
