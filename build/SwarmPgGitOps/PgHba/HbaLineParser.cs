using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.PgHba;

/// <summary>
/// A record's rule and error. Both are set for a rule PostgreSQL loads although it reports it (a hostssl rule while ssl
/// is off): the server starts, but the rule never matches.
/// </summary>
internal sealed record HbaLineOutcome(
    HbaRule? Rule,
    Diagnostic? Error,
    IReadOnlyList<Diagnostic> Warnings);

/// <summary>
/// Port of parse_hba_line from PostgreSQL 15's hba.c for one record. Like the server it stops at the first
/// problem in a record; the file parser goes on with the next record. What depends on the server's settings
/// (ssl, the files @name reads) comes from <see cref="PgHbaServerSettings"/>; what depends on its build
/// (sspi, bsd, db_user_namespace) assumes the Linux postgres image with default settings.
/// </summary>
internal sealed class HbaLineParser
{
    private readonly HbaLogicalLine line;
    private readonly string fileName;
    private readonly PgHbaServerSettings settings;
    private readonly List<Diagnostic> warnings = [];
    private Diagnostic? error;

    private HbaLineParser(HbaLogicalLine line, string fileName, PgHbaServerSettings settings)
    {
        this.line = line;
        this.fileName = fileName;
        this.settings = settings;
    }

    public static HbaLineOutcome Parse(HbaLogicalLine line, string fileName, PgHbaServerSettings settings)
    {
        var parser = new HbaLineParser(line, fileName, settings);
        var rule = parser.ParseRule();
        return new HbaLineOutcome(rule, parser.error, parser.warnings);
    }

    private HbaRule? ParseRule()
    {
        var tokenized = HbaTokenizer.Tokenize(line.Text, settings, settings.HbaFilePath);
        if (tokenized.Error is { } tokenError)
            return Fail<HbaRule>(tokenError.Offset, tokenError.Message, tokenError.Hint);
        var fields = tokenized.Fields;
        if (fields.Count == 0)
        {
            WarnIfCommentSwallowedNextLine();
            return null;
        }

        if (ParseConnectionType(fields[0]) is not { } type)
            return null;
        if (fields.Count < 2)
            return FailAtEnd<HbaRule>("end-of-line before database specification", "Add the database column, e.g. all.");
        if (!RegularExpressionsCompile(fields[1]))
            return null;
        if (fields.Count < 3)
            return FailAtEnd<HbaRule>("end-of-line before role specification", "Add the user column, e.g. all.");
        if (!RegularExpressionsCompile(fields[2]))
            return null;

        var next = 3;
        HbaAddress? address = null;
        if (type.IsNetwork())
        {
            address = ParseAddress(fields, ref next);
            if (address is null)
                return null;
        }

        if (fields.Count <= next)
            return FailAtEnd<HbaRule>("end-of-line before authentication method", "Add an authentication method, e.g. scram-sha-256.");
        var methodLexeme = fields[next];
        if (ParseMethod(methodLexeme, type) is not { } method)
            return null;

        var written = ParseOptions(fields.Skip(next + 1).SelectMany(field => field), type, method);
        if (written is null)
            return null;
        if (HbaOptionRules.CheckComplete(method, written) is { } incomplete)
            return Fail<HbaRule>(methodLexeme[0].Offset, incomplete.Message, incomplete.Hint);

        if (type == HbaConnectionType.HostSsl && !settings.SslEnabled)
            Fail<HbaRule>(fields[0][0].Offset, "hostssl record cannot match because SSL is disabled",
                "Set ssl = on in postgresql.conf (with a server certificate and key), or use type host.");

        return new HbaRule
        {
            Line = line.FirstLine,
            ConnectionType = type,
            Databases = fields[1].Select(lexeme => lexeme.Token).ToList(),
            Users = fields[2].Select(lexeme => lexeme.Token).ToList(),
            Address = address,
            Method = method,
            Options = written.GroupBy(option => option.Key, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.Last().Value, StringComparer.Ordinal),
            WrittenOptions = written,
            RawLine = line.Text,
            Location = new HbaRuleLocation(
                line.PositionOf(fields[0][0].Offset),
                line.PositionOf(fields[1][0].Offset),
                line.PositionOf(fields[2][0].Offset),
                type.IsNetwork() ? line.PositionOf(fields[3][0].Offset) : null,
                line.PositionOf(methodLexeme[0].Offset)),
        };
    }

    /// <summary>
    /// From PostgreSQL 16 on, a database or user name that starts with '/' (quoted or not) is a regular expression,
    /// compiled when the file is read (regcomp_auth_token): one that does not compile fails the line.
    /// </summary>
    private bool RegularExpressionsCompile(IReadOnlyList<HbaLexeme> field)
    {
        if (settings.Major < FirstMajorWithRegularExpressions)
            return true;
        foreach (var lexeme in field.Where(lexeme => lexeme.Text.StartsWith('/')))
        {
            if (AdvancedRegexSyntax.Check(lexeme.Text[1..]) is { } problem)
            {
                Fail<HbaRule>(lexeme.Offset, $"invalid regular expression \"{lexeme.Text[1..]}\": {problem}",
                    $"PostgreSQL {settings.Major} reads a name that starts with / as a regular expression: fix the expression, or write the name without the leading /.");
                return false;
            }
        }
        return true;
    }

    private const int FirstMajorWithRegularExpressions = 16;

    private HbaConnectionType? ParseConnectionType(IReadOnlyList<HbaLexeme> field)
    {
        if (field.Count > 1)
            return FailValue<HbaConnectionType>(field[1].Offset, "multiple values specified for connection type", "Specify exactly one connection type per line.");
        // hba.c compares the text whether quoted or not.
        if (HbaConnectionTypes.TryParse(field[0].Text, out var type))
            return type;
        return FailValue<HbaConnectionType>(field[0].Offset, $"invalid connection type \"{field[0].Text}\"",
            "Use one of local, host, hostssl, hostnossl, hostgssenc, hostnogssenc.");
    }

    private HbaAddress? ParseAddress(IReadOnlyList<IReadOnlyList<HbaLexeme>> fields, ref int next)
    {
        if (fields.Count <= next)
            return FailAtEnd<HbaAddress>("end-of-line before IP address specification",
                "Add the client address: a CIDR range such as 10.0.0.0/8, a host name, or all, samehost, samenet.");
        var field = fields[next++];
        if (field.Count > 1)
            return Fail<HbaAddress>(field[1].Offset, "multiple values specified for host address", "Specify one address range per line.");
        var lexeme = field[0];
        var token = lexeme.Token;
        if (token.IsKeyword("all"))
            return new HbaKeywordAddress(HbaAddressKeyword.All);
        if (token.IsKeyword("samehost"))
            return new HbaKeywordAddress(HbaAddressKeyword.SameHost);
        if (token.IsKeyword("samenet"))
            return new HbaKeywordAddress(HbaAddressKeyword.SameNet);

        var slash = token.Text.IndexOf('/');
        var host = slash >= 0 ? token.Text[..slash] : token.Text;
        var ip = HbaAddressParser.ParseNumeric(host, settings.IsNetworkInterface);
        if (slash >= 0)
        {
            if (ip is null)
                return Fail<HbaAddress>(lexeme.Offset, $"specifying both host name and CIDR mask is invalid: \"{token.Text}\"", host.Contains('%')
                    ? "The zone after % must be a number up to 4294967295, or the name of one of the server's network interfaces on a link-local address (fe80::/10)."
                    : "Use a numeric address with a /prefix (e.g. 10.0.0.0/8), or a host name without one.");
            var prefix = HbaAddressParser.ParsePrefixLength(token.Text[(slash + 1)..], ip.AddressFamily);
            if (prefix is null)
                return Fail<HbaAddress>(lexeme.Offset, $"invalid CIDR mask in address \"{token.Text}\"",
                    "The prefix length must be a number from 0 to 32 for IPv4, or 0 to 128 for IPv6.");
            return HbaIpRange.FromCidr(ip, prefix.Value);
        }
        if (ip is null)
            return new HbaHostnameAddress(host);
        return ParseNetmask(fields, ref next, ip);
    }

    private HbaAddress? ParseNetmask(IReadOnlyList<IReadOnlyList<HbaLexeme>> fields, ref int next, System.Net.IPAddress ip)
    {
        if (fields.Count <= next)
            return FailAtEnd<HbaAddress>("end-of-line before netmask specification",
                "Specify an address range in CIDR notation, or provide a separate netmask.");
        var field = fields[next++];
        if (field.Count > 1)
            return Fail<HbaAddress>(field[1].Offset, "multiple values specified for netmask", "Specify one netmask per line.");
        var lexeme = field[0];
        var mask = HbaAddressParser.ParseNumeric(lexeme.Text, settings.IsNetworkInterface);
        if (mask is null)
            return Fail<HbaAddress>(lexeme.Offset, $"invalid IP mask \"{lexeme.Text}\": {HbaAddressParser.NotNumericReason}",
                "An address without /prefix needs a netmask column (e.g. 255.255.255.0); or write the address as 10.0.0.0/24.");
        if (mask.AddressFamily != ip.AddressFamily)
            return Fail<HbaAddress>(lexeme.Offset, "IP address and mask do not match",
                "Use an IPv4 netmask with an IPv4 address and an IPv6 netmask with an IPv6 address.");
        return HbaIpRange.FromNetmask(ip, mask);
    }

    private HbaAuthMethod? ParseMethod(IReadOnlyList<HbaLexeme> field, HbaConnectionType type)
    {
        if (field.Count > 1)
            return FailValue<HbaAuthMethod>(field[1].Offset, "multiple values specified for authentication type",
                "Specify exactly one authentication type per line.");
        var lexeme = field[0];
        var offset = lexeme.Offset;
        switch (lexeme.Text)
        {
            case "sspi":
                return FailValue<HbaAuthMethod>(offset, "invalid authentication method \"sspi\": not supported by this build",
                    "sspi exists only in Windows builds of PostgreSQL; the cluster runs the Linux image. Use gss or scram-sha-256.");
            case "bsd":
                return FailValue<HbaAuthMethod>(offset, "invalid authentication method \"bsd\": not supported by this build",
                    "bsd exists only in OpenBSD builds of PostgreSQL. Use scram-sha-256.");
        }
        if (!HbaAuthMethods.TryParse(lexeme.Text, out var method))
            return FailValue<HbaAuthMethod>(offset, $"invalid authentication method \"{lexeme.Text}\"",
                "Use one of trust, reject, scram-sha-256, md5, password, gss, ident, peer, pam, ldap, radius, cert.");

        // hba.c quietly turns ident on local sockets into peer.
        if (type == HbaConnectionType.Local && method == HbaAuthMethod.Ident)
            method = HbaAuthMethod.Peer;

        if (type == HbaConnectionType.Local && method == HbaAuthMethod.Gss)
            return FailValue<HbaAuthMethod>(offset, "gssapi authentication is not supported on local sockets",
                "Use peer or scram-sha-256 on local rules; gss needs a host rule.");
        if (type != HbaConnectionType.Local && method == HbaAuthMethod.Peer)
            return FailValue<HbaAuthMethod>(offset, "peer authentication is only supported on local sockets",
                "Use the connection type local, or a network method such as scram-sha-256 (or ident).");
        if (type != HbaConnectionType.HostSsl && method == HbaAuthMethod.Cert)
            return FailValue<HbaAuthMethod>(offset, "cert authentication is only supported on hostssl connections",
                "Change the connection type to hostssl.");
        return method;
    }

    private IReadOnlyList<KeyValuePair<string, string>>? ParseOptions(IEnumerable<HbaLexeme> lexemes, HbaConnectionType type, HbaAuthMethod method)
    {
        var options = new List<KeyValuePair<string, string>>();
        foreach (var lexeme in lexemes)
        {
            var equals = lexeme.Text.IndexOf('=');
            if (equals < 0)
                return Fail<IReadOnlyList<KeyValuePair<string, string>>>(lexeme.Offset, $"authentication option not in name=value format: {lexeme.Text}",
                    "Everything after the method must be name=value; quote values with blanks or commas, e.g. ldapbinddn=\"cn=a, dc=b\".");
            var name = lexeme.Text[..equals];
            var value = lexeme.Text[(equals + 1)..];
            if (HbaOptionRules.Check(name, value, type, method) is { } problem)
            {
                if (!problem.IsWarning)
                    return Fail<IReadOnlyList<KeyValuePair<string, string>>>(lexeme.Offset, problem.Message, problem.Hint);
                warnings.Add(Diagnose(lexeme.Offset, problem.Message, problem.Hint, Severity.Warning));
            }
            options.Add(new(name, value));
        }
        return options;
    }

    /// <summary>A comment that ends in a backslash continues onto the next line, hiding it.</summary>
    private void WarnIfCommentSwallowedNextLine()
    {
        if (line.IsContinued && line.Text.TrimStart(' ', '\t', '\r').StartsWith('#'))
            warnings.Add(new Diagnostic(fileName, line.LastLine, 1,
                $"line {line.LastLine} is part of the comment on line {line.FirstLine}, which ends in a backslash",
                "Remove the trailing backslash from the comment; PostgreSQL joins the next line onto it.",
                Severity.Warning));
    }

    private Diagnostic Diagnose(int offset, string message, string hint, Severity severity = Severity.Error)
    {
        var position = line.PositionOf(offset);
        return new Diagnostic(fileName, position.Line, position.Column, message, hint, severity);
    }

    private T? FailValue<T>(int offset, string message, string hint) where T : struct
    {
        error = Diagnose(offset, message, hint);
        return null;
    }

    private T? Fail<T>(int offset, string message, string hint) where T : class
    {
        error = Diagnose(offset, message, hint);
        return null;
    }

    private T? FailAtEnd<T>(string message, string hint) where T : class => Fail<T>(line.Text.Length, message, hint);
}
