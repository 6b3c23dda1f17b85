using SwarmPgGitOps.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SwarmPgGitOps.Environments;

/// <summary>Reads environments/&lt;name&gt;.yml strictly: every schema problem is a diagnostic with file:line:column.</summary>
public static class EnvironmentLoader
{
    private static readonly INamingConvention Naming = UnderscoredNamingConvention.Instance;

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(Naming)
        .WithDuplicateKeyChecking()
        .WithEnforceRequiredMembers()
        .Build();

    public static Result<EnvironmentDocument> Load(ProjectLayout layout, string name)
    {
        var path = layout.EnvironmentFile(name);
        var display = layout.Display(path);
        if (!System.IO.File.Exists(path))
        {
            var known = Directory.Exists(layout.EnvironmentsDirectory) ? string.Join(", ", layout.EnvironmentNames()) : "none";
            return Result<EnvironmentDocument>.Fail(new Diagnostic(display, 0, 0, $"environment '{name}' does not exist",
                $"environments are the files in environments/: {known}; add {display} to create one"));
        }
        return Parse(System.IO.File.ReadAllText(path), display, name);
    }

    public static Result<EnvironmentDocument> Parse(string text, string file, string name)
    {
        var map = new SourceMap(file);
        // The text is parsed once: its events build the node tree the schema is checked on, then the spec.
        IReadOnlyList<ParsingEvent> events;
        YamlNode root;
        int documents;
        try
        {
            events = ParsingEvents.Of(text);
            var stream = new YamlStream();
            stream.Load(events.Replay());
            if (stream.Documents.Count == 0)
                return Result<EnvironmentDocument>.Fail(new Diagnostic(file, 1, 1, "the file is empty", "copy an existing environment file and change it"));
            root = stream.Documents[0].RootNode;
            documents = stream.Documents.Count;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            return Result<EnvironmentDocument>.Fail(YamlSyntaxErrors.Describe(file, text, e));
        }
        if (documents > 1 && YamlSyntaxErrors.SecondDocument(text) is { } second)
            return Result<EnvironmentDocument>.Fail(new Diagnostic(file, second.Line, second.Column,
                "a second YAML document starts here; an environment file holds one", "remove this `---` and what follows, or move it to a file of its own"));

        var schemaErrors = new YamlSchemaWalker(map, Naming).Walk(root, typeof(EnvironmentSpec));
        if (schemaErrors.Count > 0)
            return Result<EnvironmentDocument>.Fail(schemaErrors);

        try
        {
            var spec = Deserializer.Deserialize<EnvironmentSpec>(events.Replay());
            return Result<EnvironmentDocument>.Ok(new EnvironmentDocument(name, file, spec, map));
        }
        catch (YamlException e)
        {
            return Result<EnvironmentDocument>.Fail(YamlSyntaxErrors.Describe(file, text, e));
        }
    }
}
