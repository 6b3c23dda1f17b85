namespace SwarmPgGitOps.Tests.Support;

/// <summary>
/// The lab in the classic layout (primary and replicas), tests/SwarmPgGitOps.Tests/Fixtures/classic: what the classic
/// layout's tests read and edit now that the shipped lab is in the Patroni layout.
/// </summary>
public static class ClassicFixture
{
    public static string LabText => File.ReadAllText(TestSupport.ScratchProject.ClassicLabFile(Repo.Layout));

    /// <summary>
    /// The classic lab for "lab", the shipped file for any other name: for tests written against a primary and replicas
    /// that take an environment by name.
    /// </summary>
    public static string EnvironmentText(string name) => name == "lab" ? LabText : Repo.EnvironmentText(name);

    /// <summary>The classic lab file with one piece of text replaced; fails the test if the text is not there.</summary>
    public static string LabWith(string find, string replace) => Repo.With(LabText, find, replace);

    /// <summary>A scratch project whose environments/lab.yml is the classic lab, with the repository's other files.</summary>
    public static ProjectLayout Scratch() => TestSupport.ScratchProject.ClassicCopyOf(Repo.Layout);
}
