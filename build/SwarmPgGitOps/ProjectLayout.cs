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

    /// <summary>`all` means every environment; otherwise a comma-separated list of names.</summary>
    public IReadOnlyList<string> SelectEnvironments(string selector) =>
        selector == "all"
            ? EnvironmentNames()
            : selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

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
