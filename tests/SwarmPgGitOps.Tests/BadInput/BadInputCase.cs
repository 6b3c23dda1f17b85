using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Tests.Support;
using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Tests.BadInput;

/// <summary>What a case produced: the edited environment file and templates, and the report Validate gave.</summary>
public sealed record CaseRun(string Environment, string EnvironmentText, IReadOnlyDictionary<string, string> Templates, ValidationReport Report);

/// <summary>Where a diagnostic must point, as the `file:line:column` (or bare `file`) it prints.</summary>
public delegate string Locator(CaseRun run);

/// <summary>
/// One bad input: start from a shipped environment file (for "lab", the classic lab fixture the cases are written
/// against), change it (and maybe a template), validate through
/// <see cref="Validator"/> as ./build.sh --target=Validate does, and expect one diagnostic at a given place whose
/// text (message and hint) contains <see cref="Message"/>.
/// </summary>
public sealed record BadInputCase(
    string Base,
    string Environment,
    Func<string, string> Edit,
    Locator At,
    string Message,
    Severity Severity = Severity.Error,
    IReadOnlyDictionary<string, Func<string, string>>? TemplateEdits = null,
    string? NotExpected = null)
{
    public CaseRun Run()
    {
        using var project = new ScratchProject();
        var text = Edit(ClassicFixture.EnvironmentText(Base));
        project.WriteEnvironment(Environment, text);
        var templates = new Dictionary<string, string>();
        foreach (var (template, edit) in TemplateEdits ?? new Dictionary<string, Func<string, string>>())
        {
            if (edit is null)
                File.Delete(project.TemplatePath(template));
            else
                templates[template] = project.EditTemplate(template, edit);
        }
        return new CaseRun(Environment, text, templates, project.Validate(Environment));
    }

    /// <summary>Runs the case and checks the report; on failure the message lists everything Validate said.</summary>
    public void Check()
    {
        var run = Run();
        var location = At(run);
        var printed = run.Report.Diagnostics.Select(d => d.ToString()).ToList();
        var all = string.Join("\n  ", printed);
        Assert.True(run.Report.Diagnostics.Any(d =>
                d.Severity == Severity && Printed(d).StartsWith(location + ": ", StringComparison.Ordinal) && Printed(d).Contains(Message, StringComparison.Ordinal)),
            $"expected a{(Severity == Severity.Warning ? " warning" : "n error")} at {location} containing\n  {Message}\nValidate said:\n  {all}");
        if (Severity == Severity.Error)
            Assert.False(run.Report.Passed, "Validate passed although it reported an error");
        if (NotExpected is not null)
            Assert.DoesNotContain(printed, p => p.Contains(NotExpected, StringComparison.Ordinal));
    }

    private static string Printed(Diagnostic d) => d.ToString();
}

/// <summary>Edits and locators the case tables are written with.</summary>
public static class CaseKit
{
    public static Func<string, string> Replace(string find, string replace) => text => Repo.With(text, find, replace);

    public static Func<string, string> Then(this Func<string, string> first, Func<string, string> second) => text => second(first(text));

    public static Func<string, string> Whole(string content) => _ => content;

    public static Func<string, string> Append(string more) => text => text + more;

    /// <summary>The environment file, at the first character of <paramref name="find"/> (its n-th occurrence).</summary>
    public static Locator At(string find, int occurrence = 1) => run => Env(run, Repo.Position(run.EnvironmentText, find, occurrence));

    /// <summary>The environment file, at the value of a `key: value` text: just after its first ": ".</summary>
    public static Locator Value(string keyAndValue, int occurrence = 1) => run =>
    {
        var (line, column) = Repo.Position(run.EnvironmentText, keyAndValue, occurrence);
        return Env(run, (line, column + keyAndValue.IndexOf(": ", StringComparison.Ordinal) + 2));
    };

    /// <summary>The environment file, just after <paramref name="find"/>.</summary>
    public static Locator After(string find) => run =>
    {
        var (line, column) = Repo.Position(run.EnvironmentText, find);
        return Env(run, (line, column + find.Length));
    };

    public static Locator Position(int line, int column) => run => Env(run, (line, column));

    /// <summary>A template as edited by the case, at the first character of <paramref name="find"/>.</summary>
    public static Locator InTemplate(string template, string find, int offset = 0) => run =>
    {
        var (line, column) = Repo.Position(run.Templates[template], find);
        return $"templates/{template}:{line}:{column + offset}";
    };

    /// <summary>A file that has no position (the diagnostic is about the file as a whole).</summary>
    public static Locator WholeFile(string path) => _ => path;

    /// <summary>A rendered artifact as Validate rendered it, at the first character of <paramref name="find"/>.</summary>
    public static Locator InRendered(string artifact, string find, int occurrence = 1) => run =>
    {
        Assert.NotNull(run.Report.Rendered);
        var (line, column) = Repo.Position(run.Report.Rendered.File(artifact).Content, find, occurrence);
        return $"artifacts/{run.Environment}/{artifact}:{line}:{column}";
    };

    private static string Env(CaseRun run, (int Line, int Column) position) =>
        $"environments/{run.Environment}.yml:{position.Line}:{position.Column}";
}
