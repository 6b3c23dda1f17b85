using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Tests.Support;

/// <summary>
/// The shipped environments as they were in the classic layout (primary and replicas), in
/// tests/SwarmPgGitOps.Tests/Fixtures/classic: what the classic layout's tests read and edit now that
/// environments/*.yml use the Patroni layout.
/// </summary>
public static class ClassicFixture
{
    private static readonly string[] Names = ["dev", "staging", "prod", "lab"];

    public static string Directory => Path.Combine(Repo.Layout.Root, "tests", "SwarmPgGitOps.Tests", "Fixtures", "classic");

    public static string EnvironmentText(string name) => File.ReadAllText(Path.Combine(Directory, "environments", name + ".yml"));

    public static EnvironmentDocument Load(string name) => Repo.Load(EnvironmentText(name), name);

    public static string LabText => EnvironmentText("lab");

    /// <summary>The classic lab file with one piece of text replaced; fails the test if the text is not there.</summary>
    public static string LabWith(string find, string replace) => Repo.With(LabText, find, replace);

    /// <summary>A scratch project whose environments/ are the fixture's (same names), with the repository's templates.</summary>
    public static ProjectLayout Scratch()
    {
        var layout = TestSupport.ScratchProject.ClassicCopyOf(Repo.Layout);
        foreach (var name in Names.Where(n => n != "lab"))
            File.WriteAllText(layout.EnvironmentFile(name), EnvironmentText(name));
        return layout;
    }
}
