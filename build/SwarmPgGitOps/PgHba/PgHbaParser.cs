using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.PgHba;

/// <summary>
/// Reads pg_hba.conf as PostgreSQL 15 does and reports, per record, the error the server would log.
/// The server refuses the whole file if any record is wrong (except a hostssl record while ssl is off, which it
/// loads and reports), so every error here is one that stops a start or a reload, or a rule that can never match.
/// </summary>
public static class PgHbaParser
{
    public static PgHbaDocument Parse(string text, string fileName, PgHbaServerSettings? settings = null)
    {
        var rules = new List<HbaRule>();
        var errors = new List<Diagnostic>();
        var warnings = new List<Diagnostic>();

        foreach (var line in HbaLogicalLine.Split(text))
        {
            var outcome = HbaLineParser.Parse(line, fileName, settings ?? PgHbaServerSettings.Default);
            if (outcome.Rule is not null)
                rules.Add(outcome.Rule);
            if (outcome.Error is not null)
                errors.Add(outcome.Error);
            warnings.AddRange(outcome.Warnings);
        }

        // As in load_hba: only complained about when no record had an error.
        if (errors.Count == 0 && rules.Count == 0)
            errors.Add(new Diagnostic(fileName, 0, 0, $"configuration file \"{fileName}\" contains no entries",
                "Add at least one rule; PostgreSQL will not start with an empty pg_hba.conf."));

        return new PgHbaDocument(rules, errors, warnings);
    }

    /// <summary>
    /// Parses one record written on one line. A blank or comment-only line gives no rule and no error;
    /// a trailing backslash is dropped, as PostgreSQL does on the last line of a file.
    /// </summary>
    public static PgHbaDocument ParseLine(string line, string fileName, int lineNumber, PgHbaServerSettings? settings = null)
    {
        var outcome = HbaLineParser.Parse(HbaLogicalLine.Single(line, lineNumber), fileName, settings ?? PgHbaServerSettings.Default);
        return new PgHbaDocument(
            outcome.Rule is null ? [] : [outcome.Rule],
            outcome.Error is null ? [] : [outcome.Error],
            outcome.Warnings);
    }
}
