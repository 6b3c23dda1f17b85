using SwarmPgGitOps.Rendering;

namespace SwarmPgGitOps.Tests.Support;

/// <summary>
/// Rendered artifacts compared with tests/SwarmPgGitOps.Tests/Golden/. Set UPDATE_GOLDEN=1 to rewrite the golden files
/// after an intended template change, then review the diff.
/// </summary>
public static class GoldenFiles
{
    public static string Directory(params string[] parts) =>
        Path.Combine([Repo.Layout.Root, "tests", "SwarmPgGitOps.Tests", "Golden", .. parts]);

    public static void AssertMatches(string golden, RenderedEnvironment rendered)
    {
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            System.IO.Directory.CreateDirectory(golden);
            foreach (var stale in System.IO.Directory.EnumerateFiles(golden))
                File.Delete(stale);
            foreach (var file in rendered.Files)
                File.WriteAllText(Path.Combine(golden, file.Name), file.Content);
        }

        Assert.Equal(System.IO.Directory.EnumerateFiles(golden).Select(Path.GetFileName).Order(), rendered.Files.Select(f => f.Name).Order());
        foreach (var file in rendered.Files)
            Assert.Equal(File.ReadAllText(Path.Combine(golden, file.Name)), file.Content);
    }
}
