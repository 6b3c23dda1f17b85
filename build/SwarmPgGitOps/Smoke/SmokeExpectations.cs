using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Rendering;

namespace SwarmPgGitOps.Smoke;

/// <param name="ApplicationName">What the replica's WAL receiver calls itself on the primary: its slot (classic layout) or its member name (Patroni).</param>
public sealed record ExpectedReplica(string Name, string Slot, bool Synchronous, string ApplicationName);

/// <summary>What the environment file says the running cluster must look like, in the terms the checks compare.</summary>
public sealed record SmokeExpectations(
    string Environment,
    string Stack,
    IReadOnlyList<ExpectedReplica> Replicas,
    SmokeSpec Thresholds,
    IReadOnlyList<ExpectedSetting> Settings,
    string ReplicationUser,
    bool AnyAddressAllowed)
{
    public static SmokeExpectations From(EnvironmentDocument document)
    {
        var spec = document.Spec;
        return new SmokeExpectations(
            document.Name,
            spec.Stack,
            spec.Classic().Replicas.Select(r => new ExpectedReplica(r.Name, r.Slot, r.Synchronous, r.Slot)).ToList(),
            spec.Smoke,
            PostgresSettings.Expected(spec),
            spec.Access.Replication.User,
            spec.Access.AllowAnyAddress && !document.IsProduction);
    }

    /// <summary>
    /// A Patroni cluster seen as the checks see a primary and replicas: the member Patroni names leader is the primary, the
    /// others are replicas streaming through the slot Patroni made for them, synchronous when Patroni made them so.
    /// </summary>
    public static SmokeExpectations ForPatroni(EnvironmentDocument document, PatroniCluster cluster, string leader)
    {
        var spec = document.Spec;
        return new SmokeExpectations(
            document.Name,
            spec.Stack,
            spec.PatroniCluster().Members.Where(m => m.Name != leader).Select(m => new ExpectedReplica(m.Name, PatroniSlotName(m.Name),
                cluster.Find(m.Name)?.Role is PatroniRole.SyncStandby or PatroniRole.QuorumStandby, m.Name)).ToList(),
            spec.Smoke,
            PostgresSettings.Expected(spec),
            spec.Access.Replication.User,
            spec.Access.AllowAnyAddress && !document.IsProduction);
    }

    /// <summary>The slot Patroni creates for a member on the leader: its name, with characters a slot name cannot have replaced by '_'.</summary>
    public static string PatroniSlotName(string member) =>
        new(member.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray());
}
