namespace SwarmPgGitOps.TestSupport;

public static class ScratchProject
{
    /// <summary>
    /// A copy of a project's environments/ and templates/ in a temporary folder, for tests that change them, with the
    /// lab environment file edited as given (a test stack of its own needs another stack name, ports and subnet).
    /// </summary>
    public static ProjectLayout CopyOf(ProjectLayout source, params (string Find, string Replace)[] labEdits)
    {
        var root = Directory.CreateTempSubdirectory("spg-scratch-").FullName;
        foreach (var folder in new[] { "environments", "templates" })
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(source.Root, folder)))
                File.Copy(file, Path.Combine(root, folder, Path.GetFileName(file)));
        }
        var project = new ProjectLayout(root);
        var lab = project.EnvironmentFile("lab");
        var text = File.ReadAllText(lab);
        foreach (var (find, replace) in labEdits)
        {
            if (!text.Contains(find, StringComparison.Ordinal))
                throw new InvalidOperationException($"environments/lab.yml no longer contains '{find}': update the test that edits it");
            text = text.Replace(find, replace, StringComparison.Ordinal);
        }
        File.WriteAllText(lab, text);
        return project;
    }
}
