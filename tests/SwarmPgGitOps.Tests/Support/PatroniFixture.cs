using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Tests.Support;

/// <summary>
/// The Patroni-layout environments of tests/SwarmPgGitOps.Tests/Fixtures/patroni (lab, and prod, which renders as
/// environments/prod.yml does), fixed for the tests whatever the shipped files become. A scratch project holds them as
/// its environments/ next to the real templates.
/// </summary>
public static class PatroniFixture
{
    public static string[] Environments => ["lab", "prod"];

    public static string Directory => Path.Combine(Repo.Layout.Root, "tests", "SwarmPgGitOps.Tests", "Fixtures", "patroni");

    public static string EnvironmentText(string name) => File.ReadAllText(Path.Combine(Directory, "environments", name + ".yml"));

    /// <summary>The fixture file with one piece of text replaced; fails the test if the text is not there.</summary>
    public static string With(string find, string replace, string name = "lab") => Repo.With(EnvironmentText(name), find, replace);

    public static EnvironmentDocument Load(string name) => Repo.Load(EnvironmentText(name), name);

    /// <summary>A scratch project whose environments/ are the fixture's (same names), with the repository's templates.</summary>
    public static ProjectLayout Scratch()
    {
        var layout = Repo.Scratch();
        foreach (var name in Environments)
            File.WriteAllText(layout.EnvironmentFile(name), EnvironmentText(name));
        return layout;
    }
}
