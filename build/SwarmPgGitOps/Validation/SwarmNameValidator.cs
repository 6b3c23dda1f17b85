using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;
using YamlDotNet.Core;

namespace SwarmPgGitOps.Validation;

/// <summary>
/// Swarm refuses a name that is too long (swarmkit's controlapi: services and networks are DNS labels of at most 63
/// characters, configs and secrets at most 64). The names checked are the ones Deploy creates, made by Deploy's own
/// code from the rendered stack: StackConverter, DesiredStack.WithSecretValues (the fingerprint suffix of a secret)
/// and DeployLock. Each too long name is reported at the key that makes it: the stack, a service's or the network's name.
/// </summary>
public static class SwarmNameValidator
{
    private const int DnsLabelLimit = 63;
    private const int ConfigOrSecretLimit = 64;

    public static IReadOnlyList<Diagnostic> Validate(RenderedEnvironment rendered, EnvironmentDocument document, string artifactsPath)
    {
        DesiredStack desired;
        IReadOnlyList<string> secretNames;
        try
        {
            desired = StackConverter.FromRendered(rendered, Path.GetFullPath(artifactsPath));
            secretNames = desired.SecretNamesWithoutValues();
        }
        catch (Exception e) when (e is InvalidStackException or FormatException or OverflowException or KeyNotFoundException or YamlException)
        {
            // What Deploy itself would fail on when it reads the stack back; the template is where to fix it.
            return [new Diagnostic($"{artifactsPath}/stack.yml", 0, 0, $"Deploy cannot read the rendered stack: {e.Message}", "fix templates/stack.yml.sbn")];
        }

        var spec = document.Spec;
        var serviceKeys = ServiceKeys(spec);
        var byStack = ("stack", spec.Stack);
        var network = document.Map.Contains("network.name") ? ("network.name", spec.Network.Name) : byStack;

        var names = new List<SwarmName>();
        names.AddRange(desired.Services.Select(s => new SwarmName("service", s.Name, DnsLabelLimit,
            serviceKeys.TryGetValue(s.Key, out var key) && document.Map.Contains(key) ? (key, s.Key) : byStack)));
        names.AddRange(desired.Networks.Select(n => new SwarmName("network", n.Name, DnsLabelLimit, network)));
        names.AddRange(desired.Configs.Select(c => new SwarmName("config", c.Name, ConfigOrSecretLimit, byStack)));
        names.Add(new SwarmName("config", DeployLock.NameFor(desired.Stack), ConfigOrSecretLimit, byStack));
        names.AddRange(secretNames.Select(name => new SwarmName("secret", name, ConfigOrSecretLimit, byStack)));

        return names
            .Where(n => n.Name.Length > n.Limit)
            .GroupBy(n => n.Cause)
            .Select(g => Report(g.MaxBy(n => n.Name.Length - n.Limit)!, g.Max(n => n.Name.Length - n.Limit), document.Map))
            .ToList();
    }

    /// <summary>Each service's key in the environment file, by service name.</summary>
    private static Dictionary<string, string> ServiceKeys(EnvironmentSpec spec)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        if (EnvironmentLayouts.Of(spec) == EnvironmentLayout.Patroni)
        {
            var (_, members, dcs) = spec.PatroniCluster();
            for (var i = 0; i < members.Count; i++)
                keys.TryAdd(members[i].Name, $"members[{i}].name");
            for (var i = 0; i < dcs.Members.Count; i++)
                keys.TryAdd(dcs.Members[i].Name, $"dcs.members[{i}].name");
            return keys;
        }
        var (primary, replicas) = spec.Classic();
        keys[primary.Name] = "primary.name";
        for (var i = 0; i < replicas.Count; i++)
            keys.TryAdd(replicas[i].Name, $"replicas[{i}].name");
        return keys;
    }

    private static Diagnostic Report(SwarmName longest, int excess, SourceMap map)
    {
        var (key, value) = longest.Cause;
        var masked = longest.Name.Contains('*', StringComparison.Ordinal) ? " (* stands for the fingerprint of the password that Deploy appends)" : "";
        return map.Error(key,
            $"{key} {PastedSecret.Quote(key, value)} makes the Swarm {longest.Kind} name '{longest.Name}' {longest.Name.Length} characters long{masked}",
            $"Swarm allows at most {longest.Limit} characters in a {longest.Kind} name: shorten {key} by {excess} or more");
    }

    /// <summary>A name Deploy creates, and the key (with its value) of the environment file that makes it.</summary>
    private sealed record SwarmName(string Kind, string Name, int Limit, (string Key, string Value) Cause);
}
