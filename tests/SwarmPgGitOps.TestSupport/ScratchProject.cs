namespace SwarmPgGitOps.TestSupport;

public static class ScratchProject
{
    /// <summary>
    /// The lab environment in the classic layout (primary and replicas), which environments/lab.yml was before the
    /// Patroni layout: kept as a fixture for the classic layout's tests.
    /// </summary>
    public static string ClassicLabFile(ProjectLayout source) =>
        Path.Combine(source.Root, "tests", "SwarmPgGitOps.Tests", "Fixtures", "classic", "environments", "lab.yml");

    /// <summary>
    /// A copy of a project's environments/ and templates/ in a temporary folder, for tests that change them, with the
    /// lab environment file edited as given (a test stack of its own needs another stack name, ports and subnet).
    /// </summary>
    public static ProjectLayout CopyOf(ProjectLayout source, params (string Find, string Replace)[] labEdits) =>
        Copy(source, source.EnvironmentFile("lab"), labEdits);

    /// <summary>As <see cref="CopyOf"/>, with the classic lab fixture as the scratch project's environments/lab.yml.</summary>
    public static ProjectLayout ClassicCopyOf(ProjectLayout source, params (string Find, string Replace)[] labEdits) =>
        Copy(source, ClassicLabFile(source), labEdits);

    private static ProjectLayout Copy(ProjectLayout source, string labFile, (string Find, string Replace)[] labEdits)
    {
        var root = Directory.CreateTempSubdirectory("spg-scratch-").FullName;
        foreach (var folder in new[] { "environments", "templates" })
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(source.Root, folder)))
                File.Copy(file, Path.Combine(root, folder, Path.GetFileName(file)));
        }
        var project = new ProjectLayout(root);
        var text = File.ReadAllText(labFile);
        foreach (var (find, replace) in labEdits)
        {
            if (!text.Contains(find, StringComparison.Ordinal))
                throw new InvalidOperationException($"{source.Display(labFile)} no longer contains '{find}': update the test that edits it");
            text = text.Replace(find, replace, StringComparison.Ordinal);
        }
        File.WriteAllText(project.EnvironmentFile("lab"), text);
        return project;
    }
}
