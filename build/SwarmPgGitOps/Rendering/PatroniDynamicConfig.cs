using System.Globalization;
using System.Text.RegularExpressions;
using SwarmPgGitOps.Environments;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SwarmPgGitOps.Rendering;

/// <summary>
/// Patroni's dynamic configuration as git wants it: the one place that builds it. Render writes it as
/// patroni-dynamic.yml (what Deploy will PATCH and Drift compare) and every member's patroni.yml embeds the same text
/// as bootstrap.dcs. Texts are single-quoted, because Patroni reads YAML 1.1, where a plain on or off is a boolean.
/// </summary>
public static partial class PatroniDynamicConfig
{
    public const string FileName = "patroni-dynamic.yml";

    public static string Render(EnvironmentSpec spec)
    {
        var patroni = spec.PatroniCluster().Patroni;
        var parameters = PostgresSettings.PatroniDynamic(spec).Select(s => (s.Name, Value(s.Value))).ToList();
        var config = new List<(string, object)>
        {
            ("ttl", patroni.Ttl),
            ("loop_wait", patroni.LoopWait),
            ("retry_timeout", patroni.RetryTimeout),
            ("maximum_lag_on_failover", patroni.MaximumLagOnFailover),
            ("synchronous_mode", patroni.Synchronous is "on" or "strict"),
            ("synchronous_mode_strict", patroni.Synchronous == "strict"),
            ("synchronous_node_count", patroni.SynchronousNodeCount),
            ("postgresql", new List<(string, object)>
            {
                ("use_pg_rewind", true),
                ("use_slots", true),
                ("parameters", parameters),
            }),
        };

        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(writer);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        Emit(emitter, config);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return writer.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>A whole number stays a number; anything else is a text.</summary>
    private static object Value(string text) =>
        WholeNumber().IsMatch(text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : text;

    private static void Emit(IEmitter emitter, object value)
    {
        switch (value)
        {
            case List<(string Key, object Value)> mapping:
                emitter.Emit(new MappingStart(null, null, isImplicit: true, MappingStyle.Block));
                foreach (var (key, item) in mapping)
                {
                    emitter.Emit(new Scalar(key));
                    Emit(emitter, item);
                }
                emitter.Emit(new MappingEnd());
                break;
            case string text:
                emitter.Emit(new Scalar(null, null, text, ScalarStyle.SingleQuoted, isPlainImplicit: false, isQuotedImplicit: true));
                break;
            case bool flag:
                emitter.Emit(new Scalar(flag ? "true" : "false"));
                break;
            default:
                emitter.Emit(new Scalar(System.Convert.ToString(value, CultureInfo.InvariantCulture)!));
                break;
        }
    }

    [GeneratedRegex("^-?[0-9]+$")] private static partial Regex WholeNumber();
}
