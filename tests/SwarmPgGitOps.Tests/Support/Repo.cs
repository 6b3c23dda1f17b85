using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Tests.Support;

/// <summary>The repository the tests run from, and environment documents made from its shipped files.</summary>
public static class Repo
{
    public static ProjectLayout Layout { get; } = ProjectLayout.Discover(AppContext.BaseDirectory);

    public static string[] ShippedEnvironments => ["dev", "lab", "prod", "staging"];

    public static string EnvironmentText(string name) => File.ReadAllText(Layout.EnvironmentFile(name));

    /// <summary>Parses YAML as if it were environments/&lt;name&gt;.yml.</summary>
    public static Result<EnvironmentDocument> Parse(string text, string name = "test") =>
        EnvironmentLoader.Parse(text, $"environments/{name}.yml", name);

    public static EnvironmentDocument Load(string text, string name = "test")
    {
        var result = Parse(text, name);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Value!;
    }

    public static string With(string text, string find, string replace)
    {
        Assert.Contains(find, text);
        return text.Replace(find, replace, StringComparison.Ordinal);
    }

    /// <summary>1-based line and column of the first occurrence of a piece of text.</summary>
    public static (int Line, int Column) Position(string text, string find, int occurrence = 1)
    {
        var index = -1;
        for (var i = 0; i < occurrence; i++)
            index = text.IndexOf(find, index + 1, StringComparison.Ordinal);
        Assert.True(index >= 0, $"'{find}' not found");
        var before = text[..index];
        var line = before.Count(c => c == '\n') + 1;
        var column = index - (before.LastIndexOf('\n') + 1) + 1;
        return (line, column);
    }

    /// <summary>A scratch copy of the project (environments/ and templates/) that a test may change.</summary>
    public static ProjectLayout Scratch() => TestSupport.ScratchProject.CopyOf(Layout);
}
