using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.PgHba;

public sealed record PgHbaDocument(
    IReadOnlyList<HbaRule> Rules,
    IReadOnlyList<Diagnostic> Errors,
    IReadOnlyList<Diagnostic> Warnings)
{
    /// <summary>PostgreSQL refuses to load the whole file when any record has an error.</summary>
    public bool IsValid => Errors.Count == 0;
}
