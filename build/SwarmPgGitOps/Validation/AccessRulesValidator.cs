using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Validation.PgHba;

namespace SwarmPgGitOps.Validation;

/// <summary>
/// Reads the rendered pg_hba.conf with PostgreSQL's grammar and holds it to the security policy. Each rule in that
/// file is preceded by a comment naming where it came from, so problems are reported at the environment file's key.
/// </summary>
public static class AccessRulesValidator
{
    public static IReadOnlyList<Diagnostic> Validate(RenderedEnvironment rendered, EnvironmentDocument document)
    {
        var text = rendered.File("pg_hba.conf").Content;
        var parsed = PgHbaParser.Parse(text, "pg_hba.conf");
        var access = document.Spec.Access;
        var policy = PgHbaPolicy.Check(parsed.Rules,
            new PgHbaPolicyOptions(document.File, access.Replication.User, access.AllowAnyAddress, document.IsProduction));

        var origins = OriginsByLine(text);
        return parsed.Errors.Concat(parsed.Warnings).Concat(policy).Select(d => Relocate(d, origins, document.Map)).ToList();
    }

    /// <summary>Rendered line → the environment key the rule came from (`access.rules[2]`).</summary>
    private static Dictionary<int, string> OriginsByLine(string text)
    {
        var origins = new Dictionary<int, string>();
        var lines = text.Split('\n');
        for (var i = 1; i < lines.Length; i++)
        {
            var comment = lines[i - 1];
            if (comment.StartsWith(RenderHbaRule.OriginPrefix, StringComparison.Ordinal))
                origins[i + 1] = comment[RenderHbaRule.OriginPrefix.Length..].Split(':')[0].Trim();
        }
        return origins;
    }

    private static Diagnostic Relocate(Diagnostic diagnostic, Dictionary<int, string> origins, SourceMap map)
    {
        var path = origins.GetValueOrDefault(diagnostic.Line, "access");
        var message = path == "access" ? diagnostic.Message : $"{path}: {diagnostic.Message}";
        return map.Error(path, message, diagnostic.Hint) with { Severity = diagnostic.Severity };
    }
}
