using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;

namespace SwarmPgGitOps.Smoke;

public sealed record ExpectedReplica(string Name, string Slot, bool Synchronous);

public sealed record ExpectedSetting(string Name, string Value);

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
            spec.Replicas.Select(r => new ExpectedReplica(r.Name, r.Slot, r.Synchronous)).ToList(),
            spec.Smoke,
            PostgresSettings.For(spec).Select(s => new ExpectedSetting(s.Name, Unquote(s.Value))).ToList(),
            spec.Access.Replication.User,
            spec.Access.AllowAnyAddress && !document.IsProduction);
    }

    private static string Unquote(string quoted) =>
        quoted.Length >= 2 && quoted[0] == '\'' && quoted[^1] == '\''
            ? quoted[1..^1].Replace("''", "'", StringComparison.Ordinal)
            : quoted;
}
