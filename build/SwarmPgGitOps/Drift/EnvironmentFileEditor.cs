using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace SwarmPgGitOps.Drift;

/// <summary>
/// Changes values in the YAML text of an environment file and nothing else: comments, key order, indentation and quoting
/// elsewhere stay byte for byte. Each scalar is found by its start and end marks in the parsed document and its text replaced;
/// a key that does not exist yet is added as a `key: value` line at the end of its parent, when the parent is a block mapping.
/// Every result is parsed again and must read back the new value at the path, otherwise the next way of writing it is tried.
/// </summary>
public static class EnvironmentFileEditor
{
    public static YamlEditAttempt TryApply(string text, YamlEdit edit)
    {
        if (Parse(text) is not { } root)
            return YamlEditAttempt.Fail("the file is not valid YAML");
        return YamlPathResolver.Resolve(root, edit.Path) switch
        {
            FoundNode { Node: YamlScalarNode scalar } found => Replace(text, scalar, found.InFlow, edit),
            FoundNode found => YamlEditAttempt.Fail($"'{edit.Path}' is a {(found.Node is YamlSequenceNode ? "list" : "mapping")}, not a single value"),
            MissingKey missing => Insert(text, missing, edit),
            Unreachable unreachable => YamlEditAttempt.Fail(unreachable.Problem),
            _ => throw new InvalidOperationException("unknown location"),
        };
    }

    private static YamlEditAttempt Replace(string text, YamlScalarNode scalar, bool inFlow, YamlEdit edit)
    {
        if (scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded)
            return YamlEditAttempt.Fail($"'{edit.Path}' is a block scalar (| or >): change it by hand");
        var (start, end) = ((int)scalar.Start.Index, (int)scalar.End.Index);
        foreach (var written in YamlScalarText.Candidates(edit.Value, scalar.Style, inFlow))
        {
            var changed = string.Concat(text.AsSpan(0, start), written, text.AsSpan(end));
            if (ReadsBack(changed, edit))
                return YamlEditAttempt.Ok(changed);
        }
        return YamlEditAttempt.Fail($"'{edit.Path}' cannot be written so that it reads back as '{edit.Value}'");
    }

    private static YamlEditAttempt Insert(string text, MissingKey missing, YamlEdit edit)
    {
        var parent = YamlPathResolver.Describe(missing.ParentPath);
        if (missing.Parent.Style != MappingStyle.Block || missing.Parent.Children.Count == 0)
            return YamlEditAttempt.Fail($"'{edit.Path}' does not exist and '{parent}' is not a block mapping with keys to add it under: add it by hand");

        var indent = new string(' ', (int)missing.Parent.Children.First().Key.Start.Column - 1);
        var lineBreak = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var position = StartOfLineAfter(text, LastEnd(missing.Parent));
        var prefix = position == text.Length && text.Length > 0 && !text.EndsWith('\n') ? lineBreak : "";
        foreach (var key in YamlScalarText.Candidates(missing.Key, ScalarStyle.Plain, inFlow: false))
        {
            foreach (var value in YamlScalarText.Candidates(edit.Value, ScalarStyle.Plain, inFlow: false))
            {
                var changed = text.Insert(position, $"{prefix}{indent}{key}: {value}{lineBreak}");
                if (ReadsBack(changed, edit))
                    return YamlEditAttempt.Ok(changed);
            }
        }
        return YamlEditAttempt.Fail($"'{edit.Path}' cannot be added under '{parent}' so that it reads back as '{edit.Value}'");
    }

    /// <summary>Where a mapping's content ends: the end of its last scalar or flow collection, looking through nested block collections.</summary>
    private static Mark LastEnd(YamlNode node) => node switch
    {
        YamlMappingNode { Style: MappingStyle.Block } mapping when mapping.Children.Count > 0 => LastEnd(mapping.Children.Last().Value),
        YamlSequenceNode { Style: SequenceStyle.Block } sequence when sequence.Children.Count > 0 => LastEnd(sequence.Children[^1]),
        _ => node.End,
    };

    private static int StartOfLineAfter(string text, Mark end)
    {
        var index = (int)end.Index;
        if (index > 0 && text[index - 1] == '\n')
            return index; // block scalars end after their line break
        var lineEnd = text.IndexOf('\n', index);
        return lineEnd < 0 ? text.Length : lineEnd + 1;
    }

    private static bool ReadsBack(string text, YamlEdit edit) =>
        Parse(text) is { } root
        && YamlPathResolver.Resolve(root, edit.Path) is FoundNode { Node: YamlScalarNode scalar }
        && scalar.Value == edit.Value
        && !(scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL");

    private static YamlNode? Parse(string text)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            return null;
        }
    }
}
