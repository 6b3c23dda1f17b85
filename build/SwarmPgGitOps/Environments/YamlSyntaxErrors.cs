using System.Text.RegularExpressions;
using SwarmPgGitOps.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SwarmPgGitOps.Environments;

/// <summary>
/// Turns YamlDotNet's syntax errors into diagnostics at the place a user must look. Some of its errors carry no
/// position (an undefined alias, a tab in the indentation, an unclosed flow collection, which even escapes as an
/// InvalidOperationException); for those the text is read again to find the spot.
/// </summary>
internal static partial class YamlSyntaxErrors
{
    private const string IndentationHint = "check the indentation and quoting on this line";

    public static Diagnostic Describe(string file, string text, Exception e)
    {
        if (FirstTabIndentation(text) is { } tab)
            return new Diagnostic(file, tab.Line, tab.Column, "a tab in the indentation: YAML indents with spaces only", "replace the tab with spaces");

        if (e is YamlException yaml)
        {
            var message = (yaml.InnerException?.Message ?? yaml.Message).Trim().TrimEnd('.');
            if (UndefinedAnchor().Match(message) is { Success: true } anchor)
            {
                var (line, column) = AliasPosition(text, anchor.Groups[1].Value) ?? ((int)yaml.Start.Line, (int)yaml.Start.Column);
                return new Diagnostic(file, line, column, $"alias *{anchor.Groups[1].Value} names no anchor", $"define it earlier with &{anchor.Groups[1].Value}, or write the value itself");
            }
            var hint = message.Contains("duplicate key", StringComparison.OrdinalIgnoreCase)
                ? "each key may appear once in a mapping: remove or merge the repeated one"
                : IndentationHint;
            return new Diagnostic(file, (int)yaml.Start.Line, (int)yaml.Start.Column, message, hint);
        }

        // YamlDotNet's scanner throws InvalidOperationException, without a position, on some unclosed flow collections.
        if (UnclosedFlowCollection(text) is { } open)
            return new Diagnostic(file, open.Line, open.Column, $"this {open.Bracket} is never closed: the file is not valid YAML",
                $"close it with {(open.Bracket == '{' ? '}' : ']')} on the same line");
        return new Diagnostic(file, 1, 1, "the file is not valid YAML", "look for an unclosed [ or { or quote");
    }

    /// <summary>Where a second document starts (`---`): an environment file is one document, and a second one would be ignored.</summary>
    public static (int Line, int Column)? SecondDocument(string text)
    {
        var parser = new Parser(new StringReader(text));
        var documents = 0;
        while (parser.MoveNext())
        {
            if (parser.Current is DocumentStart start && ++documents == 2)
                return ((int)start.Start.Line, (int)start.Start.Column);
        }
        return null;
    }

    private static (int Line, int Column)? FirstTabIndentation(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indentation = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indentation);
            if (tab >= 0 && indentation < lines[i].TrimEnd('\r').Length)
                return (i + 1, tab + 1);
        }
        return null;
    }

    private static (int Line, int Column)? AliasPosition(string text, string anchor)
    {
        try
        {
            var parser = new Parser(new StringReader(text));
            while (parser.MoveNext())
            {
                if (parser.Current is AnchorAlias alias && alias.Value.Value == anchor)
                    return ((int)alias.Start.Line, (int)alias.Start.Column);
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
        }
        return null;
    }

    /// <summary>The innermost flow collection still open when the parser gave up.</summary>
    private static (int Line, int Column, char Bracket)? UnclosedFlowCollection(string text)
    {
        var open = new Stack<(int Line, int Column, char Bracket)>();
        try
        {
            var parser = new Parser(new StringReader(text));
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case MappingStart { Style: MappingStyle.Flow } m:
                        open.Push(((int)m.Start.Line, (int)m.Start.Column, '{'));
                        break;
                    case SequenceStart { Style: SequenceStyle.Flow } s:
                        open.Push(((int)s.Start.Line, (int)s.Start.Column, '['));
                        break;
                    case MappingEnd or SequenceEnd when open.Count > 0:
                        open.Pop();
                        break;
                }
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
        }
        return open.Count > 0 ? open.Peek() : null;
    }

    [GeneratedRegex("^The anchor '(.*)' does not exists?$")]
    private static partial Regex UndefinedAnchor();
}
