using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using SwarmPgGitOps.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace SwarmPgGitOps.Environments;

/// <summary>
/// Checks a parsed YAML document against the shape of a C# type and reports every problem at once:
/// unknown keys, missing required keys, wrong kinds and unparsable scalars. YamlDotNet's deserializer
/// stops at the first problem; this walker exists so users see all of them with their positions.
/// It also records the position of every value in the source map.
/// </summary>
internal sealed class YamlSchemaWalker(SourceMap map, INamingConvention naming)
{
    private readonly List<Diagnostic> _errors = [];

    public IReadOnlyList<Diagnostic> Walk(YamlNode root, Type type)
    {
        Visit(root, type, "");
        return _errors;
    }

    /// <summary>Checks one value; <paramref name="key"/> is the key it stands under, if any.</summary>
    private void Visit(YamlNode node, Type type, string path, YamlNode? key = null)
    {
        // A problem with a block mapping or list as a whole (a missing key, the wrong kind) is shown at its key's line,
        // not at its first entry; a scalar or a { } / [ ] collection starts on its key's line anyway.
        var at = key is not null && node is YamlMappingNode { Style: not MappingStyle.Flow } or YamlSequenceNode { Style: not SequenceStyle.Flow }
            ? key.Start
            : node.Start;
        map.Record(path, (int)at.Line, (int)at.Column);
        var target = Nullable.GetUnderlyingType(type) ?? type;

        if (target == typeof(string) || target == typeof(int) || target == typeof(long) || target == typeof(bool))
            VisitScalar(node, target, path, at);
        else if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            VisitDictionary(node, target.GetGenericArguments()[1], path, at);
        else if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(List<>))
            VisitList(node, target.GetGenericArguments()[0], path, at);
        else
            VisitObject(node, target, path, at);
    }

    private void VisitScalar(YamlNode node, Type type, string path, Mark at)
    {
        if (node is not YamlScalarNode scalar)
        {
            Fail(at, path, $"{Describe(path)} must be {KindName(type)}, not a {NodeKind(node)}", $"write a single {KindName(type)} value");
            return;
        }
        var text = scalar.Value ?? "";
        if (IsNull(scalar))
        {
            Fail(at, path, $"{Describe(path)} has no value", $"give {Describe(path)} {KindName(type)} value or remove the key");
            return;
        }
        var ok = type == typeof(string)
            || (type == typeof(int) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            || (type == typeof(long) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            || (type == typeof(bool) && text is "true" or "false");
        if (!ok)
            Fail(at, path, $"{Describe(path)} must be {KindName(type)}, got {PastedSecret.Quote(path, text)}", type == typeof(bool) ? "write true or false" : "write a whole number");
    }

    private void VisitDictionary(YamlNode node, Type valueType, string path, Mark at)
    {
        if (node is not YamlMappingNode mapping)
        {
            Fail(at, path, $"{Describe(path)} must be a mapping of keys to values, not a {NodeKind(node)}", "write `key: value` lines under it");
            return;
        }
        foreach (var (key, value) in mapping.Children)
        {
            if (ScalarKey(key, path) is { } name)
                Visit(value, valueType, Join(path, name), key);
        }
    }

    private void VisitList(YamlNode node, Type itemType, string path, Mark at)
    {
        if (node is not YamlSequenceNode sequence)
        {
            Fail(at, path, $"{Describe(path)} must be a list, not a {NodeKind(node)}", "write each item on its own line starting with `- `");
            return;
        }
        for (var i = 0; i < sequence.Children.Count; i++)
            Visit(sequence.Children[i], itemType, $"{path}[{i}]");
    }

    private void VisitObject(YamlNode node, Type type, string path, Mark at)
    {
        if (node is not YamlMappingNode mapping)
        {
            Fail(at, path, $"{Describe(path)} must be a mapping, not a {NodeKind(node)}", "write its keys indented below it");
            return;
        }
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(p => naming.Apply(p.Name), StringComparer.Ordinal);

        var suggested = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (ScalarKey(keyNode, path) is not { } key)
                continue;
            var keyPath = Join(path, key);
            if (properties.TryGetValue(key, out var property))
            {
                if (property.PropertyType == typeof(string) && value is YamlScalarNode { Value: "" } empty && !IsNull(empty))
                    Fail(value.Start, keyPath, $"{Describe(keyPath)} is empty", IsRequired(property) ? "write its value between the quotes" : "write its value between the quotes, or remove the key to use the default");
                else if (!(IsNullScalar(value) && IsOptional(property)))
                    Visit(value, property.PropertyType, keyPath, keyNode);
                else
                    map.Record(keyPath, (int)value.Start.Line, (int)value.Start.Column);
            }
            else
            {
                var suggestion = Closest(key, properties.Keys);
                if (suggestion is not null)
                    suggested.Add(suggestion);
                var shown = PastedSecret.RandomLooking(key) ? "(not shown: it may be a secret)" : $"'{key}'";
                Fail(keyNode.Start, keyPath, $"unknown key {shown} in {Describe(path)}",
                    suggestion is null ? $"allowed keys: {string.Join(", ", properties.Keys)}" : $"did you mean '{suggestion}'?");
            }
        }

        var present = mapping.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, property) in properties)
        {
            // A misspelt required key is one problem, already reported with its correction.
            if (IsRequired(property) && !present.Contains(key) && !suggested.Contains(key))
                Fail(at, path, $"{Describe(path)} is missing required key '{key}'", $"add `{key}:` to {Describe(path)}");
        }
    }

    /// <summary>The key's text; a list or mapping used as a key (`[a, b]: x`, `? {a: 1}`) is an error, not a crash.</summary>
    private string? ScalarKey(YamlNode key, string path)
    {
        if (key is YamlScalarNode scalar)
            return scalar.Value ?? "";
        _errors.Add(new Diagnostic(map.File, (int)key.Start.Line, (int)key.Start.Column,
            $"a key in {Describe(path)} is a {NodeKind(key)}; keys must be plain names", "write `name: value`"));
        return null;
    }

    private void Fail(Mark at, string path, string message, string hint)
    {
        map.Record(path, (int)at.Line, (int)at.Column);
        _errors.Add(new Diagnostic(map.File, (int)at.Line, (int)at.Column, message, hint));
    }

    private static bool IsRequired(PropertyInfo property) => property.GetCustomAttribute<RequiredMemberAttribute>() is not null;

    private static bool IsOptional(PropertyInfo property) =>
        !IsRequired(property) && (Nullable.GetUnderlyingType(property.PropertyType) is not null
            || new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable);

    private static bool IsNullScalar(YamlNode node) => node is YamlScalarNode scalar && IsNull(scalar);

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string Describe(string path) => path.Length == 0 ? "the file" : $"'{path}'";

    private static string KindName(Type type) =>
        type == typeof(bool) ? "true or false" : type == typeof(string) ? "a text" : "a whole number";

    private static string NodeKind(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "single value",
    };

    private static string? Closest(string key, IEnumerable<string> candidates) =>
        candidates
            .Select(c => (Candidate: c, Distance: EditDistance(key, c)))
            .Where(c => c.Distance <= Math.Max(2, key.Length / 3))
            .OrderBy(c => c.Distance)
            .Select(c => c.Candidate)
            .FirstOrDefault();

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
