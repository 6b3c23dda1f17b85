namespace SwarmPgGitOps.Patroni;

/// <summary>An etcd endpoint's health as `etcdctl endpoint health` reports it.</summary>
public sealed record EtcdEndpointHealth(string Endpoint, bool Healthy, string? Error);

/// <summary>What etcd says of itself: the members in its membership list, and each endpoint's health.</summary>
public sealed record EtcdStatus(IReadOnlyList<string> Members, IReadOnlyList<EtcdEndpointHealth> Endpoints);

/// <summary>etcd's raft leader by member name (null when no endpoint reported one), and each member's id.</summary>
public sealed record EtcdLeadership(string? Leader, IReadOnlyDictionary<string, ulong> Ids);
