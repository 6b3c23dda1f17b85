using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.PgHba;

namespace SwarmPgGitOps.Validation;

/// <summary>
/// Reads the rendered pg_hba.conf with PostgreSQL's grammar and holds it to the security policy. Each rule in that
/// file is preceded by a comment naming where it came from, so problems are reported at the environment file's key
/// (the column a problem is in picks the key: `access.rules[2].address`). Lines the template writes itself are
/// reported in the rendered file.
/// </summary>
public static class AccessRulesValidator
{
    private const string RulesPrefix = "access.rules[";
    private const string ReplicationOrigin = "access.replication";

    public static IReadOnlyList<Diagnostic> Validate(RenderedEnvironment rendered, EnvironmentDocument document, string? artifactsPath = null)
    {
        var text = rendered.File("pg_hba.conf").Content;
        var renderedFile = $"{artifactsPath ?? $"artifacts/{document.Name}"}/pg_hba.conf";
        var parsed = PgHbaParser.Parse(text, renderedFile, new PgHbaServerSettings
        {
            // The rendered pg_hba.conf is deployed on its own: an @file beside it is never there.
            HbaFilePath = $"{PostgresSettings.ConfigDirectory}/pg_hba.conf",
            SslEnabled = SslEnabled(rendered, document),
            Major = document.Spec.Postgres.Major,
            // The server runs in a container whose other interfaces depend on the networks Swarm attaches: only lo is certain.
            IsNetworkInterface = name => name == "lo",
        });
        var access = document.Spec.Access;
        var policy = PgHbaPolicy.Check(parsed.Rules,
            new PgHbaPolicyOptions(renderedFile, access.Replication.User, access.AllowAnyAddress, document.IsProduction,
                RequireTls: document.IsProduction && EnvironmentLayouts.Of(document.Spec) == EnvironmentLayout.Patroni));

        var shapes = CheckShapes(document);
        var misshapen = shapes.Select(s => s.Path).ToHashSet(StringComparer.Ordinal);
        var origins = OriginsByLine(text);
        var lines = text.Split('\n');
        var copies = HaproxyCopies(lines);
        var all = parsed.Errors.Concat(parsed.Warnings).Concat(policy).ToList();
        var found = all
            // A rule without its address (or with one it cannot have) reads as a different rule; say that instead.
            .Where(d => !(origins.TryGetValue(d.Line, out var origin) && misshapen.Contains(origin)))
            // A rule repeated for HAProxy's network has the problems of the rule it repeats: say them once, at that rule.
            .Where(d => !(copies.Contains(d.Line) && all.Any(o => o.Line != d.Line && !copies.Contains(o.Line) && origins.GetValueOrDefault(o.Line) == origins[d.Line])))
            .Select(d => Relocate(d, origins, lines, document));
        return shapes.Select(s => s.Diagnostic).Concat(found).ToList();
    }

    /// <summary>An address on a local rule, or none on a network rule: the columns would shift and PostgreSQL would read another rule.</summary>
    /// <summary>Whether the server turns ssl on: from the rendered postgresql.conf, or in the Patroni layout with the members' TLS secrets (or its dynamic configuration's parameters).</summary>
    private static bool SslEnabled(RenderedEnvironment rendered, EnvironmentDocument document) =>
        EnvironmentLayouts.Of(document.Spec) == EnvironmentLayout.Patroni
            ? PostgresTls.IsOn(document.Spec)
              || PostgresSettings.PatroniDynamic(document.Spec).LastOrDefault(s => s.Name == "ssl") is { } ssl && Postgres.SettingComparison.ParseBool(ssl.Value) == true
            : RenderedPostgresConf.SslEnabled(rendered.File("postgresql.conf").Content);

    private static List<(string Path, Diagnostic Diagnostic)> CheckShapes(EnvironmentDocument document)
    {
        var problems = new List<(string, Diagnostic)>();
        var rules = document.Spec.Access.Rules;
        for (var i = 0; i < rules.Count; i++)
        {
            var path = $"{RulesPrefix}{i}]";
            if (!HbaConnectionTypes.TryParse(rules[i].Type, out var type))
                continue;
            if (type == HbaConnectionType.Local && rules[i].Address is not null)
                problems.Add((path, document.Map.Error($"{path}.address", $"{path}: a local rule has no address",
                    "local rules match connections over the Unix socket; remove address, or use type host (or hostssl) for network clients")));
            else if (type.IsNetwork() && rules[i].Address is null)
                problems.Add((path, document.Map.Error(path, $"{path}: a {rules[i].Type} rule needs an address",
                    "add address: with the client network in CIDR form, such as 10.0.0.0/24")));
        }
        return problems;
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
                origins[i + 1] = comment[RenderHbaRule.OriginPrefix.Length..].Split(':')[0].Split(',')[0].Trim();
        }
        return origins;
    }

    /// <summary>The rendered lines that repeat an access rule for connections through HAProxy (their origin comment says so).</summary>
    private static HashSet<int> HaproxyCopies(string[] lines) =>
        Enumerable.Range(1, lines.Length - 1)
            .Where(i => lines[i - 1].StartsWith(RenderHbaRule.OriginPrefix, StringComparison.Ordinal) && lines[i - 1].Contains(", through HAProxy", StringComparison.Ordinal))
            .Select(i => i + 1).ToHashSet();

    private static Diagnostic Relocate(Diagnostic diagnostic, Dictionary<int, string> origins, string[] lines, EnvironmentDocument document)
    {
        // About the file as a whole (no replication rule): the access section is where to fix it.
        if (diagnostic.Line == 0)
            return document.Map.Error("access", diagnostic.Message, diagnostic.Hint) with { Severity = diagnostic.Severity };
        // A line the template wrote itself: only the rendered file has it.
        if (!origins.TryGetValue(diagnostic.Line, out var origin) || !origin.StartsWith("access", StringComparison.Ordinal))
            return diagnostic;

        var key = diagnostic.Line > lines.Length ? origin
            : origin.StartsWith(RulesPrefix, StringComparison.Ordinal) ? KeyAt(origin, lines[diagnostic.Line - 1], diagnostic.Column, document)
            : origin == ReplicationOrigin ? ReplicationKeyAt(lines[diagnostic.Line - 1], diagnostic.Column, document.Map)
            : origin;
        var hint = diagnostic.Message.StartsWith("could not open secondary authentication file", StringComparison.Ordinal)
            ? "Environment rules cannot use @file: pg_hba.conf is deployed without any file beside it. List the names in the rule (e.g. database: app,reports); a name that really starts with @ needs pg_hba.conf's quotes: database: '\"@name\"'."
            : diagnostic.Hint;
        return document.Map.Error(key, $"{origin}: {diagnostic.Message}", hint) with { Severity = diagnostic.Severity };
    }

    /// <summary>
    /// The replication rule (`host replication &lt;user&gt; &lt;address&gt; scram-sha-256`): its user and address come from keys
    /// of their own, the address from network.subnet when access.replication.address is left out.
    /// </summary>
    private static string ReplicationKeyAt(string renderedLine, int column, SourceMap map)
    {
        var address = map.Contains($"{ReplicationOrigin}.address") ? $"{ReplicationOrigin}.address"
            : map.Contains("network.subnet") ? "network.subnet" : ReplicationOrigin;
        return FieldAt(HbaTokenizer.Tokenize(renderedLine).Fields, column) switch
        {
            2 => $"{ReplicationOrigin}.user",
            3 => address,
            _ => ReplicationOrigin,
        };
    }

    /// <summary>The index of the field the rendered column falls in, or -1.</summary>
    private static int FieldAt(IReadOnlyList<IReadOnlyList<HbaLexeme>> fields, int column)
    {
        var offset = column - 1;
        var index = -1;
        for (var i = 0; i < fields.Count && fields[i][0].Offset <= offset; i++)
            index = i;
        var last = fields.Count > 0 ? fields[^1][^1] : null;
        return last is null || offset > last.Offset + last.Text.Length ? -1 : index;
    }

    /// <summary>The key of the rule whose value the rendered column falls in: type, database, user, address, method or options.&lt;name&gt;.</summary>
    private static string KeyAt(string rulePath, string renderedLine, int column, EnvironmentDocument document)
    {
        var tokenized = HbaTokenizer.Tokenize(renderedLine);
        var fields = tokenized.Fields;
        var offset = column - 1;
        // A token too long to read: the problem is the column it starts.
        if (tokenized.Error is { } tooLong && tooLong.Offset == offset)
            fields = [.. fields, [new HbaLexeme(new HbaToken(""), offset)]];
        var index = FieldAt(fields, column);
        if (index < 0)
            return rulePath;

        var ruleIndex = int.Parse(rulePath[RulesPrefix.Length..^1], System.Globalization.CultureInfo.InvariantCulture);
        // An address with a separate netmask ("10.0.0.0 255.0.0.0") takes two columns.
        var address = document.Spec.Access.Rules[ruleIndex].Address;
        var addressColumns = address is null ? 0 : Math.Max(1, HbaTokenizer.Tokenize(address).Fields.Count);
        string[] keys = ["type", "database", "user", .. Enumerable.Repeat("address", addressColumns), "method"];
        if (index < keys.Length)
            return $"{rulePath}.{keys[index]}";
        var option = fields[index].LastOrDefault(l => l.Offset <= offset) ?? fields[index][0];
        var name = option.Text.Split('=')[0];
        return $"{rulePath}.options.{name}";
    }
}
