using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace SwarmPgGitOps.Drift;

internal abstract record YamlLocation;

/// <summary>The path names this node; <paramref name="InFlow"/> when it sits inside a flow collection (`{ a: b }`, `[a, b]`).</summary>
internal sealed record FoundNode(YamlNode Node, bool InFlow) : YamlLocation;

/// <summary>The path ends in a key that <paramref name="Parent"/> (found at <paramref name="ParentPath"/>) does not have.</summary>
internal sealed record MissingKey(YamlMappingNode Parent, string ParentPath, string Key) : YamlLocation;

internal sealed record Unreachable(string Problem) : YamlLocation;

/// <summary>
/// Follows a SourceMap-style path through a YAML document. Keys may contain dots (placement labels such as `lab.node`),
/// so at each mapping the longest key that matches the rest of the path wins.
/// </summary>
internal static class YamlPathResolver
{
    public static YamlLocation Resolve(YamlNode root, string path)
    {
        var node = root;
        var rest = path;
        var inFlow = false;
        while (rest.Length > 0)
        {
            var walked = path[..^rest.Length].TrimEnd('.');
            inFlow |= IsFlow(node);
            switch (node)
            {
                case YamlSequenceNode sequence:
                    if (!TryReadIndex(rest, out var index, out var afterIndex))
                        return new Unreachable($"'{Describe(walked)}' is a list: the path must go on with [index], not '{rest}'");
                    if (index >= sequence.Children.Count)
                        return new Unreachable($"'{Describe(walked)}' has {sequence.Children.Count} item(s), so it has no [{index}]");
                    node = sequence.Children[index];
                    rest = afterIndex;
                    break;
                case YamlMappingNode mapping:
                    var entry = LongestMatchingEntry(mapping, rest);
                    if (entry is not var (key, value))
                    {
                        return rest.Contains('[')
                            ? new Unreachable($"'{Describe(walked)}' has no '{rest[..rest.IndexOf('[')]}' list")
                            : new MissingKey(mapping, walked, rest);
                    }
                    node = value;
                    rest = rest[key.Length..];
                    break;
                default:
                    return new Unreachable($"'{Describe(walked)}' is a single value, so it has no '{rest}'");
            }
            rest = rest.StartsWith('.') ? rest[1..] : rest;
        }
        return new FoundNode(node, inFlow);
    }

    public static string Describe(string path) => path.Length == 0 ? "the document" : path;

    private static bool IsFlow(YamlNode node) => node switch
    {
        YamlMappingNode mapping => mapping.Style == MappingStyle.Flow,
        YamlSequenceNode sequence => sequence.Style == SequenceStyle.Flow,
        _ => false,
    };

    private static bool TryReadIndex(string rest, out int index, out string after)
    {
        index = 0;
        after = rest;
        var close = rest.IndexOf(']');
        if (!rest.StartsWith('[') || close < 0 || !int.TryParse(rest[1..close], System.Globalization.CultureInfo.InvariantCulture, out index) || index < 0)
            return false;
        after = rest[(close + 1)..];
        return true;
    }

    private static (string Key, YamlNode Value)? LongestMatchingEntry(YamlMappingNode mapping, string rest) =>
        mapping.Children
            .Select(pair => (Key: (pair.Key as YamlScalarNode)?.Value ?? "", pair.Value))
            .Where(pair => pair.Key.Length > 0 && rest.StartsWith(pair.Key, StringComparison.Ordinal)
                && (rest.Length == pair.Key.Length || rest[pair.Key.Length] is '.' or '['))
            .OrderByDescending(pair => pair.Key.Length)
            .Select(pair => ((string Key, YamlNode Value)?)pair)
            .FirstOrDefault();
}
