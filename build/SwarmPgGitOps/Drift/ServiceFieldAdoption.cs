using System.Text.RegularExpressions;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Drift;

/// <summary>
/// Where a service field that differs lives in the environment file, and the value that would make git render the live
/// one. Only fields rendered from one key are adoptable; hand-added env vars, labels, mounts and the like have no key.
/// </summary>
public static partial class ServiceFieldAdoption
{
    /// <param name="serviceKey">The service's key in stack.yml: the primary's, a replica's or a member's name.</param>
    public static (string Path, string Value)? For(string serviceKey, FieldChange field, EnvironmentSpec spec) => field.Field switch
    {
        "image" when field.Live.Length > 0 => ("postgres.image", field.Live),
        "ports" => PublishedPort(field.Live) is { } port && InstancePath(serviceKey, spec) is { } instance
            ? ($"{instance}.port", port)
            : null,
        "stop_grace_period" => Seconds(field.Live) is { } seconds ? ("deploy.stop_grace_period_seconds", seconds) : null,
        "healthcheck" when serviceKey != Rendering.RenderEndpoints.ServiceName => OnlyDifference(field, "start_period") is { } start && Seconds(start) is { } seconds
            ? ("deploy.health_start_period_seconds", seconds)
            : null,
        "update_config" => OnlyDifference(field, "monitor") is { } monitor && Seconds(monitor) is { } seconds
            ? ("deploy.update_monitor_seconds", seconds)
            : null,
        _ => null,
    };

    /// <summary>"primary" or "replicas[i]" (classic layout), "members[i]" (Patroni layout) for a service key of the environment; null for any other service.</summary>
    public static string? InstancePath(string serviceKey, EnvironmentSpec spec)
    {
        if (EnvironmentLayouts.Of(spec) == EnvironmentLayout.Patroni)
            return spec.PatroniCluster().Members.FindIndex(m => m.Name == serviceKey) is >= 0 and var member ? $"members[{member}]" : null;
        var (primary, replicas) = spec.Classic();
        if (serviceKey == primary.Name)
            return "primary";
        var index = replicas.FindIndex(r => r.Name == serviceKey);
        return index < 0 ? null : $"replicas[{index}]";
    }

    /// <summary>The published port of the single PostgreSQL port, as ServiceFields writes ports: "5452:5432/tcp/host".</summary>
    private static string? PublishedPort(string ports) =>
        PortPattern().Match(ports) is { Success: true } match ? match.Groups["published"].Value : null;

    private static string? Seconds(string duration) =>
        SecondsPattern().Match(duration) is { Success: true } match ? match.Groups["seconds"].Value : null;

    /// <summary>The live value of <paramref name="name"/> in a "name=value ..." field, when nothing else of the field differs.</summary>
    private static string? OnlyDifference(FieldChange field, string name)
    {
        var prefix = name + "=";
        string Without(string text) => string.Join(' ', text.Split(' ').Where(t => !t.StartsWith(prefix, StringComparison.Ordinal)));
        if (Without(field.Desired) != Without(field.Live))
            return null;
        return field.Live.Split(' ').FirstOrDefault(t => t.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
    }

    [GeneratedRegex(@"^(?<published>[1-9]\d*):5432/tcp/host$", RegexOptions.CultureInvariant)]
    private static partial Regex PortPattern();

    [GeneratedRegex(@"^(?<seconds>[1-9]\d*)s$", RegexOptions.CultureInvariant)]
    private static partial Regex SecondsPattern();
}
