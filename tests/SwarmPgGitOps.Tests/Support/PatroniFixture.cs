using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Tests.Support;

/// <summary>
/// The Patroni-layout environments: the shipped environments/lab.yml, and a production example from
/// tests/SwarmPgGitOps.Tests/Fixtures/patroni (it renders as environments/prod.yml does), fixed for the tests whatever the
/// shipped prod becomes. A scratch project holds them as its environments/ next to the real templates.
/// </summary>
public static class PatroniFixture
{
    public static string[] Environments => ["lab", "prod"];

    public static string Directory => Path.Combine(Repo.Layout.Root, "tests", "SwarmPgGitOps.Tests", "Fixtures", "patroni");

    public static string EnvironmentText(string name) =>
        name == "lab" ? Repo.EnvironmentText(name) : File.ReadAllText(Path.Combine(Directory, "environments", name + ".yml"));

    /// <summary>The environment file with one piece of text replaced; fails the test if the text is not there.</summary>
    public static string With(string find, string replace, string name = "lab") => Repo.With(EnvironmentText(name), find, replace);

    public static EnvironmentDocument Load(string name) => Repo.Load(EnvironmentText(name), name);

    /// <summary>A scratch project whose environments/ are these (same names), with the repository's templates.</summary>
    public static ProjectLayout Scratch()
    {
        var layout = Repo.Scratch();
        foreach (var name in Environments)
            File.WriteAllText(layout.EnvironmentFile(name), EnvironmentText(name));
        return layout;
    }
}
