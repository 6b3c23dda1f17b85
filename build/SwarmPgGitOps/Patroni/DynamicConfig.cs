using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SwarmPgGitOps.Patroni;

/// <summary>One key of Patroni's dynamic configuration whose value differs; null: the key is absent on that side.</summary>
public sealed record DynamicConfigChange(string Key, string? Desired, string? Live);

/// <summary>
/// Patroni's dynamic configuration (what `patronictl show-config` prints, the REST API returns as JSON and `edit-config` replaces) as flat keys,
/// `postgresql.parameters.shared_buffers`, so git's rendering and the live cluster compare key by key.
/// </summary>
public static class DynamicConfig
{
    public static IReadOnlyDictionary<string, string> Flatten(string yaml)
    {
        var flat = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count > 0)
            Walk(stream.Documents[0].RootNode, "", flat);
        return flat;
    }

    public static IReadOnlyList<DynamicConfigChange> Compare(string desiredYaml, string liveYaml)
    {
        var desired = Flatten(desiredYaml);
        var live = Flatten(liveYaml);
        return desired.Keys.Union(live.Keys).Order(StringComparer.Ordinal)
            .Select(key => new DynamicConfigChange(key, desired.GetValueOrDefault(key), live.GetValueOrDefault(key)))
            .Where(c => !Same(c.Desired, c.Live))
            .ToList();
    }

    private static void Walk(YamlNode node, string path, IDictionary<string, string> flat)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                    Walk(value, path.Length == 0 ? ((YamlScalarNode)key).Value ?? "" : $"{path}.{((YamlScalarNode)key).Value}", flat);
                break;
            case YamlSequenceNode sequence:
                var i = 0;
                foreach (var item in sequence.Children)
                    Walk(item, $"{path}[{i++}]", flat);
                break;
            case YamlScalarNode scalar when path.Length > 0:
                flat[path] = scalar.Value ?? "";
                break;
        }
    }

    // Patroni keeps what it was given as JSON, so `on` may come back as `true`, and `10` as `'10'`: the value is what counts.
    private static bool Same(string? desired, string? live) =>
        desired is not null && live is not null && Normalise(desired) == Normalise(live);

    private static string Normalise(string value) => value.ToLowerInvariant() switch
    {
        "on" or "true" or "yes" => "true",
        "off" or "false" or "no" => "false",
        var v when decimal.TryParse(v, NumberStyles.Number, CultureInfo.InvariantCulture, out var n) => n.ToString(CultureInfo.InvariantCulture),
        var v => v,
    };
}
