using System.Text.RegularExpressions;
using SwarmPgGitOps.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SwarmPgGitOps.Environments;

/// <summary>
/// Turns YamlDotNet's syntax errors into diagnostics at the place a user must look. Some of its errors carry no
/// position (an undefined alias, a tab in the indentation, an unclosed flow collection, which even escapes as an
/// InvalidOperationException), and an unclosed one is reported where the parser gave up rather than where it starts;
/// for those the text is read again to find the spot.
/// </summary>
internal static partial class YamlSyntaxErrors
{
    private const string IndentationHint = "check the indentation and quoting on this line";

    public static Diagnostic Describe(string file, string text, Exception e)
    {
        if (FirstTabIndentation(text) is { } tab)
            return new Diagnostic(file, tab.Line, tab.Column, "a tab in the indentation: YAML indents with spaces only", "replace the tab with spaces");

        if (UnclosedFlowCollection(text) is { } open
            && (e is not YamlException thrown || (open.Line, open.Column).CompareTo(((int)thrown.Start.Line, (int)thrown.Start.Column)) < 0))
            return new Diagnostic(file, open.Line, open.Column, $"this {open.Bracket} is never closed: the file is not valid YAML",
                $"close it with {(open.Bracket == '{' ? '}' : ']')} on the same line");

        if (e is YamlException yaml)
        {
            var message = (yaml.InnerException?.Message ?? yaml.Message).Trim().TrimEnd('.');
            if (UndefinedAnchor().Match(message) is { Success: true } anchor)
            {
                var (line, column) = AliasPosition(text, anchor.Groups[1].Value) ?? ((int)yaml.Start.Line, (int)yaml.Start.Column);
                return new Diagnostic(file, line, column, $"alias *{anchor.Groups[1].Value} names no anchor", $"define it earlier with &{anchor.Groups[1].Value}, or write the value itself");
            }
            if (EndsWithColon(text, (int)yaml.Start.Line, (int)yaml.Start.Column))
                return new Diagnostic(file, (int)yaml.Start.Line, (int)yaml.Start.Column,
                    "a value ending with ':' starts a mapping here",
                    "put the value in quotes if the ':' belongs to it, and check it: an image's tag after ':' is never empty");
            var hint = message.Contains("duplicate key", StringComparison.OrdinalIgnoreCase)
                ? "each key may appear once in a mapping: remove or merge the repeated one"
                : IndentationHint;
            return new Diagnostic(file, (int)yaml.Start.Line, (int)yaml.Start.Column, message, hint);
        }

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

    /// <summary>Whether the error is at a ':' that ends its line (`image: postgres:`), which YAML reads as a key.</summary>
    private static bool EndsWithColon(string text, int line, int column)
    {
        var lines = text.Split('\n');
        if (line < 1 || line > lines.Length)
            return false;
        var content = lines[line - 1].TrimEnd();
        return content.Length == column && content.EndsWith(':');
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

    /// <summary>
    /// The innermost flow collection (`{...}` or `[...]`) not closed where it should be: by the end of the file, or by a
    /// bracket of the other kind. Read from the text, because YamlDotNet gives up on an unclosed one before it reports
    /// where it started. Quoted scalars, comments and block scalars (`|`, `>`) are skipped.
    /// </summary>
    private static (int Line, int Column, char Bracket)? UnclosedFlowCollection(string text)
    {
        var open = new Stack<(int Line, int Column, char Bracket)>();
        var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        char? quote = null;
        var blockScalarIndent = -1;
        for (var l = 0; l < lines.Length; l++)
        {
            var line = lines[l];
            var indentation = line.Length - line.TrimStart(' ').Length;
            if (blockScalarIndent >= 0 && quote is null && open.Count == 0)
            {
                if (line.Trim().Length == 0 || indentation > blockScalarIndent)
                    continue;
                blockScalarIndent = -1;
            }
            for (var c = 0; c < line.Length; c++)
            {
                var ch = line[c];
                if (quote is { } q)
                {
                    if (ch == '\\' && q == '"')
                        c++;
                    else if (ch == q && !(q == '\'' && c + 1 < line.Length && line[c + 1] == '\''))
                        quote = null;
                    else if (ch == q)
                        c++;
                    continue;
                }
                if (ch == '#' && (c == 0 || line[c - 1] is ' ' or '\t'))
                    break;
                var startsValue = AtValueStart(line, c, inFlow: open.Count > 0);
                if (ch is '"' or '\'' && startsValue)
                    quote = ch;
                else if (ch is '{' or '[' && startsValue)
                    open.Push((l + 1, c + 1, ch));
                else if (ch is '}' or ']' && open.Count > 0)
                {
                    if (open.Peek().Bracket != (ch == '}' ? '{' : '['))
                        return open.Peek();
                    open.Pop();
                }
                else if (ch is '|' or '>' && open.Count == 0 && startsValue)
                    blockScalarIndent = indentation;
            }
        }
        return open.Count > 0 ? open.Peek() : null;
    }

    /// <summary>The first character of a value: at the line's start, after `- `, `? ` or `key: `, or inside brackets after `{`, `[` or `,`.</summary>
    private static bool AtValueStart(string line, int column, bool inFlow)
    {
        var before = line[..column].TrimEnd();
        if (before.Length == 0 || (inFlow && before[^1] is '{' or '[' or ','))
            return true;
        return before[^1] is ':' or '-' or '?' && (column > before.Length || inFlow && before[^1] == ':');
    }

    [GeneratedRegex("^The anchor '(.*)' does not exists?$")]
    private static partial Regex UndefinedAnchor();
}
