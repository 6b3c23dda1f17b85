using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Swarm;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SwarmPgGitOps.Validation;

/// <summary>
/// Checks the rendered stack.yml the way Swarm would see it: it parses, uses only the compose keys the deployer
/// supports, and every config, secret, network and volume a service names is defined; placement labels are declared;
/// each service mounts exactly the secrets <see cref="ServiceSecrets"/> gives its role, readable by their owner only.
/// </summary>
public static class RenderedStackValidator
{
    public static readonly IReadOnlySet<string> TopLevelKeys = new HashSet<string> { "version", "services", "networks", "volumes", "configs", "secrets" };

    public static readonly IReadOnlySet<string> ServiceKeys = new HashSet<string>
    {
        "image", "hostname", "command", "environment", "configs", "secrets", "volumes", "networks", "ports", "stop_signal",
        "stop_grace_period", "healthcheck", "deploy",
    };

    public static IReadOnlyList<Diagnostic> Validate(RenderedEnvironment rendered, EnvironmentDocument document, string artifactsPath)
    {
        var file = $"{artifactsPath}/stack.yml";
        var errors = new List<Diagnostic>();
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(rendered.File("stack.yml").Content));
            root = (YamlMappingNode)stream.Documents[0].RootNode;
        }
        catch (Exception e) when (e is YamlException or InvalidCastException or ArgumentException)
        {
            var (line, column) = e is YamlException y ? ((int)y.Start.Line, (int)y.Start.Column) : (1, 1);
            return [new Diagnostic(file, line, column, $"the rendered stack is not valid YAML: {e.Message}", "fix templates/stack.yml.sbn")];
        }

        foreach (var key in UnknownKeys(root, TopLevelKeys))
            errors.Add(At(file, key, $"top-level key '{key.Value}' is not supported by the deployer", "remove it from templates/stack.yml.sbn"));

        var defined = new Dictionary<string, HashSet<string>>
        {
            ["configs"] = Keys(root, "configs"),
            ["secrets"] = Keys(root, "secrets"),
            ["networks"] = Keys(root, "networks"),
            ["volumes"] = Keys(root, "volumes"),
        };
        var renderedFiles = rendered.Files.Select(f => f.Name).ToHashSet();
        foreach (var (name, configNode) in Children(root, "configs"))
        {
            if (configNode is YamlMappingNode config && config.Children.TryGetValue("file", out var fileNode)
                && !renderedFiles.Contains(Path.GetFileName(((YamlScalarNode)fileNode).Value ?? "")))
                errors.Add(At(file, fileNode, $"config '{name}' reads {fileNode}, which is not among the rendered files", "render the file, or point the config at one that is"));
        }

        var declaredLabels = document.Spec.Nodes.SelectMany(n => n.Labels).Select(l => $"node.labels.{l.Key} == {l.Value}").ToHashSet();
        foreach (var (serviceName, serviceNode) in Children(root, "services"))
        {
            if (serviceNode is not YamlMappingNode service)
                continue;
            foreach (var key in UnknownKeys(service, ServiceKeys))
                errors.Add(At(file, key, $"service '{serviceName}' uses compose key '{key.Value}', which the deployer does not support", $"supported keys: {string.Join(", ", ServiceKeys)}"));

            foreach (var kind in new[] { "configs", "secrets", "networks", "volumes" })
            {
                foreach (var (reference, node) in References(service, kind))
                {
                    if (!defined[kind].Contains(reference))
                        errors.Add(At(file, node, $"service '{serviceName}' uses {kind[..^1]} '{reference}', which the stack does not define", $"define it under top-level {kind}:"));
                }
            }

            errors.AddRange(SecretMounts(file, serviceName, service, ServiceSecrets.OptionalKeysOf(document.Spec)));

            foreach (var constraint in Constraints(service))
            {
                if (constraint.Value is { } text && text.StartsWith("node.labels.", StringComparison.Ordinal) && !declaredLabels.Contains(text))
                    errors.Add(At(file, constraint, $"service '{serviceName}' is placed on '{text}', a label no node declares", $"declare it under nodes: in {document.File}"));
            }
        }
        return errors;
    }

    private static IEnumerable<Diagnostic> SecretMounts(string file, string serviceName, YamlMappingNode service, IReadOnlyList<string> optionalKeys)
    {
        if (Role(service) is not { } role)
            yield break;
        var expected = ServiceSecrets.For(role, optionalKeys).ToDictionary(m => m.Key);
        var secretsKey = service.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault(k => k.Value == "secrets");
        var mounted = secretsKey is not null && service.Children[secretsKey] is YamlSequenceNode items ? items.Children : [];
        foreach (var item in mounted)
        {
            var mount = item as YamlMappingNode;
            var key = (mount is not null && mount.Children.TryGetValue("source", out var source) ? source as YamlScalarNode : item as YamlScalarNode)?.Value ?? "";
            // A secret the environment does not supply at all is reported as such (Deploy cannot give it a value), not as a mount.
            if (!SecretValues.Keys.Contains(key))
                continue;
            if (!expected.Remove(key, out var wanted))
            {
                yield return At(file, item, $"service '{serviceName}' mounts secret '{key}', which the {role}'s entrypoint does not read",
                    "mount in each service only the secrets Rendering/ServiceSecrets gives its role (templates/stack.yml.sbn: for secret in service.secrets)");
                continue;
            }
            var mode = mount is not null && mount.Children.TryGetValue("mode", out var modeNode) ? modeNode as YamlScalarNode : null;
            if (!OwnerOnly(mode?.Value))
                yield return At(file, (YamlNode?)mode ?? item, $"service '{serviceName}' mounts secret '{key}' with mode {mode?.Value ?? "0444 (the default)"}, readable by others than its owner",
                    $"render mode: {wanted.Mode} (long syntax), as Rendering/ServiceSecrets says");
        }
        foreach (var missing in expected.Keys)
            yield return At(file, (YamlNode?)secretsKey ?? service, $"service '{serviceName}' does not mount secret '{missing}', which the {role}'s entrypoint reads",
                "render service.secrets in templates/stack.yml.sbn");
    }

    /// <summary>No permission bits for group or others; unset is Swarm's default 0444.</summary>
    private static bool OwnerOnly(string? mode)
    {
        try
        {
            return mode is not null && (StackConverter.Mode(mode) & 0b111_111) == 0;
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string? Role(YamlMappingNode service) =>
        service.Children.TryGetValue("deploy", out var deploy) && deploy is YamlMappingNode d
        && d.Children.TryGetValue("labels", out var labels) && labels is YamlMappingNode l
        && l.Children.TryGetValue("io.swarm-pg-gitops.role", out var role) && role is YamlScalarNode { Value: { } r } && ServiceSecrets.Roles.Contains(r)
            ? r
            : null;

    private static IEnumerable<YamlScalarNode> UnknownKeys(YamlMappingNode mapping, IReadOnlySet<string> allowed) =>
        mapping.Children.Keys.OfType<YamlScalarNode>().Where(k => !allowed.Contains(k.Value ?? ""));

    private static IEnumerable<(string Name, YamlNode Node)> Children(YamlMappingNode root, string key) =>
        root.Children.TryGetValue(key, out var node) && node is YamlMappingNode mapping
            ? mapping.Children.Select(c => (((YamlScalarNode)c.Key).Value ?? "", c.Value))
            : [];

    private static HashSet<string> Keys(YamlMappingNode root, string key) => Children(root, key).Select(c => c.Name).ToHashSet();

    /// <summary>The names a service refers to: `- source: x`, `- x`, or for volumes `x:/path`.</summary>
    private static IEnumerable<(string Name, YamlNode Node)> References(YamlMappingNode service, string kind)
    {
        if (!service.Children.TryGetValue(kind, out var node) || node is not YamlSequenceNode items)
            yield break;
        foreach (var item in items)
        {
            if (item is YamlMappingNode m && m.Children.TryGetValue("source", out var source) && source is YamlScalarNode s)
                yield return (s.Value ?? "", s);
            else if (item is YamlScalarNode scalar && kind == "volumes")
            {
                var name = (scalar.Value ?? "").Split(':')[0];
                if (!name.StartsWith('/') && !name.StartsWith('.'))
                    yield return (name, scalar);
            }
            else if (item is YamlScalarNode plain)
                yield return (plain.Value ?? "", plain);
        }
    }

    private static IEnumerable<YamlScalarNode> Constraints(YamlMappingNode service)
    {
        if (service.Children.TryGetValue("deploy", out var deploy) && deploy is YamlMappingNode d
            && d.Children.TryGetValue("placement", out var placement) && placement is YamlMappingNode p
            && p.Children.TryGetValue("constraints", out var constraints) && constraints is YamlSequenceNode list)
            return list.OfType<YamlScalarNode>();
        return [];
    }

    private static Diagnostic At(string file, YamlNode node, string message, string hint) =>
        new(file, (int)node.Start.Line, (int)node.Start.Column, message, hint);
}
