using SwarmPgGitOps.Tests.Support;
using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Tests.BadInput;

/// <summary>A throwaway copy of environments/ and templates/ that one bad-input case edits and validates, removed afterwards.</summary>
public sealed class ScratchProject : IDisposable
{
    public ProjectLayout Layout { get; } = Repo.Scratch();

    public string EnvironmentPath(string name) => Layout.EnvironmentFile(name);

    public string TemplatePath(string name) => Path.Combine(Layout.TemplatesDirectory, name);

    public void WriteEnvironment(string name, string text) => File.WriteAllText(EnvironmentPath(name), text);

    /// <summary>Rewrites a template with one piece of text replaced; returns the new text.</summary>
    public string EditTemplate(string name, Func<string, string> edit)
    {
        var path = TemplatePath(name);
        var text = edit(File.ReadAllText(path));
        File.WriteAllText(path, text);
        return text;
    }

    /// <summary>What a user gets from Validate: the real entry point on this project.</summary>
    public ValidationReport Validate(string environment) => new Validator(Layout).Validate(environment);

    public void Dispose()
    {
        try { Directory.Delete(Layout.Root, recursive: true); }
        catch (IOException) { }
    }
}
