using System.Text;
using Docker.DotNet.Models;
using SwarmPgGitOps.Secrets;

namespace SwarmPgGitOps.Swarm;

/// <summary>What the rendered stack.yml asks the swarm to hold, as Docker API objects named as `docker stack deploy` names them.</summary>
public sealed record DesiredStack(
    string Stack,
    IReadOnlyList<DesiredNetwork> Networks,
    IReadOnlyList<DesiredConfig> Configs,
    IReadOnlyList<DesiredSecret> Secrets,
    IReadOnlyList<DesiredService> Services)
{
    /// <summary>
    /// The stack with the secrets' values: each Swarm secret is named &lt;name in stack.yml&gt;_&lt;fingerprint of the
    /// value&gt;, and the services refer to those names. A changed password is a new secret, so the services that use it
    /// are updated (the primary first, whose entrypoint sets the role's new password) and the old secret is pruned.
    /// </summary>
    public DesiredStack WithSecretValues(SecretValues values)
    {
        var supplied = Secrets.Select(s => (Secret: s, Value: values.For(s.Key) ?? throw Unsupplied(s))).ToList();
        // Each fingerprint is a slow hash on purpose (SecretFingerprint): computed side by side.
        var secrets = supplied.AsParallel().AsOrdered().Select(p => p.Secret with
        {
            Name = FingerprintedName(p.Secret.Name, SecretFingerprint.Of(p.Secret.Name, p.Value)[..FingerprintLength]),
            Data = Encoding.UTF8.GetBytes(p.Value),
        }).ToList();
        var renamed = Secrets.Zip(secrets).ToDictionary(p => p.First.Name, p => p.Second.Name);
        foreach (var reference in Services.SelectMany(s => s.Spec.TaskTemplate.ContainerSpec.Secrets ?? []))
            reference.SecretName = renamed.GetValueOrDefault(reference.SecretName, reference.SecretName);
        return this with { Secrets = secrets };
    }

    /// <summary>How many hex digits of the value's fingerprint a secret's name carries.</summary>
    public const int FingerprintLength = 12;

    /// <summary>
    /// Where a Patroni member reads how to initialise the cluster. Patroni reads it once, when the cluster is new; after
    /// that Deploy applies the dynamic configuration live (patronictl edit-config).
    /// </summary>
    public const string PatroniBootstrapFile = "/etc/swarm-pg/patroni/bootstrap.yml";

    /// <summary>
    /// The stack with every existing member keeping the bootstrap file it runs with, or running without one: a new one,
    /// or another preferred leader (the one member that mounts it), is no reason to restart a member, nor to create a
    /// config nobody would mount. New members get what is rendered.
    /// </summary>
    public DesiredStack KeepingLiveBootstrap(LiveStack live)
    {
        foreach (var service in Services)
        {
            if (live.Service(service.Spec.Name) is not { } existing || service.Spec.TaskTemplate?.ContainerSpec is not { Configs: { } configs } container)
                continue;
            var running = Bootstrap(existing.Spec);
            if (running is null && Bootstrap(service.Spec) is null)
                continue;
            container.Configs = [.. configs.Where(c => c.File?.Name != PatroniBootstrapFile),
                .. running is null ? [] : new[] { new SwarmConfigReference { ConfigName = running.ConfigName, File = running.File } }];
        }
        var used = Services.SelectMany(s => s.Spec.TaskTemplate?.ContainerSpec?.Configs ?? []).Select(c => c.ConfigName).ToHashSet();
        return this with { Configs = Configs.Where(c => used.Contains(c.Name)).ToList() };
    }

    private static SwarmConfigReference? Bootstrap(ServiceSpec spec) =>
        spec.TaskTemplate?.ContainerSpec?.Configs?.FirstOrDefault(c => c.File?.Name == PatroniBootstrapFile);

    /// <summary>The names <see cref="WithSecretValues"/> gives the secrets, with '*' for the fingerprint (it has the same length whatever the value).</summary>
    public IReadOnlyList<string> SecretNamesWithoutValues() =>
        Secrets.Select(s => SecretValues.Keys.Contains(s.Key) ? FingerprintedName(s.Name, new string('*', FingerprintLength)) : throw Unsupplied(s)).ToList();

    private static string FingerprintedName(string name, string fingerprint) => $"{name}_{fingerprint}";

    private static InvalidStackException Unsupplied(DesiredSecret secret) =>
        new($"the stack uses secret '{secret.Key}', which the environment does not supply");
}

public sealed record DesiredNetwork(string Name, NetworksCreateParameters Parameters);

public sealed record DesiredConfig(string Key, string Name, byte[] Data);

/// <summary>A secret of the stack; Data is set only once the values are known, and is never printed.</summary>
public sealed record DesiredSecret(string Key, string Name, byte[]? Data = null)
{
    public override string ToString() => $"DesiredSecret {{ Key = {Key}, Name = {Name} }}";
}

/// <summary>A service; its spec names configs, secrets and networks, whose IDs are filled in from the swarm when applied.</summary>
public sealed record DesiredService(string Key, string Name, string Role, ServiceSpec Spec);
