using System.Globalization;
using Docker.DotNet.Models;
using SwarmPgGitOps.Secrets;

namespace SwarmPgGitOps.Swarm;

public sealed record FieldChange(string Field, string Desired, string Live)
{
    /// <summary>The desired value as a report may show it (<see cref="Redaction"/>).</summary>
    public string DesiredShown => Redaction.IsSecretField(Field) ? Redaction.Hidden : Desired;

    /// <summary>The live value as a report may show it: for env vars and args only how they differ.</summary>
    public string LiveShown => Redaction.IsSecretField(Field) ? Redaction.DescribeDifference(Field, Desired, Live) : Live;

    /// <summary>For list fields only what was added and removed; for single values `live → desired`; secret fields only how they differ.</summary>
    public string Summary()
    {
        if (Redaction.IsSecretField(Field))
            return $"{Field}: {LiveShown}";
        var want = Desired.Split(", ", StringSplitOptions.RemoveEmptyEntries);
        var have = Live.Split(", ", StringSplitOptions.RemoveEmptyEntries);
        if (want.Length <= 1 && have.Length <= 1)
            return $"{Field}: {(Live.Length == 0 ? "(none)" : Live)} → {(Desired.Length == 0 ? "(none)" : Desired)}";
        var changes = have.Except(want).Select(v => $"- {v}").Concat(want.Except(have).Select(v => $"+ {v}"));
        return $"{Field}:\n  " + string.Join("\n  ", changes);
    }
}

/// <summary>
/// A service spec seen as the fields the pipeline owns, each as one comparable string. Deploy compares desired and
/// live through it (a service is updated only when a field differs), and Plan prints the differences. What Swarm fills
/// in by itself (IDs, defaults, the digest it pins an image to) is left out here and only here.
/// </summary>
public static class ServiceFields
{

    public static SortedDictionary<string, string> Project(ServiceSpec spec, Func<string, string> networkName, bool keepImageDigest)
    {
        var task = spec.TaskTemplate ?? new TaskSpec();
        var container = task.ContainerSpec ?? new ContainerSpec();
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["image"] = keepImageDigest ? container.Image ?? "" : StripDigest(container.Image),
            ["hostname"] = container.Hostname ?? "",
            ["args"] = Join(container.Args),
            ["env"] = Join(container.Env?.Order(StringComparer.Ordinal)),
            ["configs"] = Join(container.Configs?.Select(c => $"{c.ConfigName}:{c.File?.Name}:{Owner(c.File?.UID, c.File?.GID)}:{Octal(c.File?.Mode)}").Order(StringComparer.Ordinal)),
            ["secrets"] = Join(container.Secrets?.Select(s => $"{s.SecretName}:{s.File?.Name}:{Owner(s.File?.UID, s.File?.GID)}:{Octal(s.File?.Mode)}").Order(StringComparer.Ordinal)),
            ["mounts"] = Join(container.Mounts?.Select(m => $"{m.Type}:{m.Source}:{m.Target}").Order(StringComparer.Ordinal)),
            ["stop_signal"] = container.StopSignal ?? "",
            ["stop_grace_period"] = Duration(container.StopGracePeriod),
            ["healthcheck"] = container.Healthcheck is { } h
                ? $"{Join(h.Test)} interval={Duration(h.Interval)} timeout={Duration(h.Timeout)} retries={h.Retries} start_period={Duration(h.StartPeriod)}"
                : "",
            ["placement"] = Join(task.Placement?.Constraints?.Order(StringComparer.Ordinal)),
            ["restart_policy"] = task.RestartPolicy is { } r ? $"{r.Condition} delay={Duration(r.Delay)}" : "",
            ["networks"] = Join(task.Networks?.Select(n => networkName(n.Target ?? "")).Order(StringComparer.Ordinal)),
            ["replicas"] = spec.Mode?.Global is not null ? "global" : spec.Mode?.Replicated?.Replicas?.ToString(CultureInfo.InvariantCulture) ?? "",
            ["update_config"] = Update(spec.UpdateConfig),
            ["rollback_config"] = Update(spec.RollbackConfig),
            ["endpoint_mode"] = spec.EndpointSpec?.Mode ?? "vip",
            ["ports"] = Join(spec.EndpointSpec?.Ports?.Select(p => $"{p.PublishedPort}:{p.TargetPort}/{p.Protocol}/{p.PublishMode}").Order(StringComparer.Ordinal)),
            ["labels"] = Join(spec.Labels?.Select(l => $"{l.Key}={l.Value}").Order(StringComparer.Ordinal)),
        };
    }

    public static IReadOnlyList<FieldChange> Compare(ServiceSpec desired, ServiceSpec live, Func<string, string> networkName)
    {
        var keepDigest = desired.TaskTemplate?.ContainerSpec?.Image?.Contains('@') == true;
        var want = Project(desired, networkName, keepDigest);
        var have = Project(live, networkName, keepDigest);
        return want.Where(w => have[w.Key] != w.Value).Select(w => new FieldChange(w.Key, w.Value, have[w.Key])).ToList();
    }

    private static string StripDigest(string? image) => image is null ? "" : image.Split('@')[0];

    private static string Join(IEnumerable<string?>? values) => values is null ? "" : string.Join(", ", values);

    /// <summary>uid:gid of a mounted config or secret file; an unset one is root's, as Swarm reads it.</summary>
    private static string Owner(string? uid, string? gid) => $"{(string.IsNullOrEmpty(uid) ? "0" : uid)}:{(string.IsNullOrEmpty(gid) ? "0" : gid)}";

    private static string Octal(uint? mode) => mode is { } m ? System.Convert.ToString(m, 8).PadLeft(4, '0') : "";

    private static string Duration(TimeSpan? span) => span is { } s && s > TimeSpan.Zero ? $"{s.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s" : "";

    private static string Update(SwarmUpdateConfig? config) => config is null
        ? ""
        : $"parallelism={config.Parallelism} order={config.Order} failure_action={config.FailureAction} monitor={Duration(config.Monitor)}";
}
