using Docker.DotNet.Models;

namespace SwarmPgGitOps.Swarm;

/// <summary>What the rendered stack.yml asks the swarm to hold, as Docker API objects named as `docker stack deploy` names them.</summary>
public sealed record DesiredStack(
    string Stack,
    IReadOnlyList<DesiredNetwork> Networks,
    IReadOnlyList<DesiredConfig> Configs,
    IReadOnlyList<DesiredSecret> Secrets,
    IReadOnlyList<DesiredService> Services);

public sealed record DesiredNetwork(string Name, NetworksCreateParameters Parameters);

public sealed record DesiredConfig(string Key, string Name, byte[] Data);

public sealed record DesiredSecret(string Key, string Name);

/// <summary>A service; its spec names configs, secrets and networks, whose IDs are filled in from the swarm when applied.</summary>
public sealed record DesiredService(string Key, string Name, string Role, ServiceSpec Spec);
