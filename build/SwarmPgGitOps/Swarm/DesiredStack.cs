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
        var secrets = Secrets.Select(s =>
        {
            var value = s.Key switch
            {
                "superuser_password" => values.SuperuserPassword,
                "replication_password" => values.ReplicationPassword,
                _ => throw new InvalidStackException($"the stack uses secret '{s.Key}', which the environment does not supply"),
            };
            return s with { Name = $"{s.Name}_{SecretFingerprint.Of(s.Name, value)[..12]}", Data = Encoding.UTF8.GetBytes(value) };
        }).ToList();
        var renamed = Secrets.Zip(secrets).ToDictionary(p => p.First.Name, p => p.Second.Name);
        foreach (var reference in Services.SelectMany(s => s.Spec.TaskTemplate.ContainerSpec.Secrets ?? []))
            reference.SecretName = renamed.GetValueOrDefault(reference.SecretName, reference.SecretName);
        return this with { Secrets = secrets };
    }
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
