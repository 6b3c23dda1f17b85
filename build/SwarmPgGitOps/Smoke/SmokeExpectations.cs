using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;

namespace SwarmPgGitOps.Smoke;

public sealed record ExpectedReplica(string Name, string Slot, bool Synchronous);

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
            spec.Classic().Replicas.Select(r => new ExpectedReplica(r.Name, r.Slot, r.Synchronous)).ToList(),
            spec.Smoke,
            PostgresSettings.Expected(spec),
            spec.Access.Replication.User,
            spec.Access.AllowAnyAddress && !document.IsProduction);
    }
}
