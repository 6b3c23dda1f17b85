using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Tests.Support;

/// <summary>
/// dev, staging and prod as they were in the classic layout (primary + replicas on postgres:15), in
/// tests/SwarmPgGitOps.Tests/Fixtures/classic: the classic layout's examples beyond the lab, now that environments/*.yml
/// use the Patroni layout.
/// </summary>
public static class ClassicFixture
{
    public static string Directory => Path.Combine(Repo.Layout.Root, "tests", "SwarmPgGitOps.Tests", "Fixtures", "classic");

    public static string EnvironmentText(string name) => File.ReadAllText(Path.Combine(Directory, "environments", name + ".yml"));

    public static EnvironmentDocument Load(string name) => Repo.Load(EnvironmentText(name), name);

    /// <summary>A scratch project whose environments/ are the fixture's (same names), with the repository's templates.</summary>
    public static ProjectLayout Scratch()
    {
        var layout = Repo.Scratch();
        foreach (var name in new[] { "dev", "staging", "prod" })
            File.WriteAllText(layout.EnvironmentFile(name), EnvironmentText(name));
        return layout;
    }
}
