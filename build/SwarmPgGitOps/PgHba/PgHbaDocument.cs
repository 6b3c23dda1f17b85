using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.PgHba;

/// <summary>An <c>@file</c> reference in a database or user list, kept because this parser does not read the file.</summary>
public sealed record HbaInclusion(string Path, HbaPosition Position);

public sealed record PgHbaDocument(
    IReadOnlyList<HbaRule> Rules,
    IReadOnlyList<Diagnostic> Errors,
    IReadOnlyList<Diagnostic> Warnings,
    IReadOnlyList<HbaInclusion> Inclusions)
{
    /// <summary>PostgreSQL refuses to load the whole file when any record has an error.</summary>
    public bool IsValid => Errors.Count == 0;
}
