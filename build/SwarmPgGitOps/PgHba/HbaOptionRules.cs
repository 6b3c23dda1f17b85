namespace SwarmPgGitOps.PgHba;

/// <summary>A reason PostgreSQL 15 refuses (or, for a warning, only logs about) an option or a combination of options.</summary>
internal sealed record HbaOptionProblem(string Message, string Hint, bool IsWarning = false);

/// <summary>The option checks of parse_hba_auth_opt and the end of parse_hba_line in PostgreSQL 15's hba.c.</summary>
internal static class HbaOptionRules
{
    private static readonly string[] LdapOnly =
    [
        "ldaptls", "ldapscheme", "ldapserver", "ldapport", "ldapbinddn", "ldapbindpasswd",
        "ldapsearchattribute", "ldapsearchfilter", "ldapbasedn", "ldapprefix", "ldapsuffix", "ldapurl",
    ];

    private static readonly string[] RadiusLists = ["radiusservers", "radiusports", "radiussecrets", "radiusidentifiers"];

    public static readonly IReadOnlyList<string> KnownNames =
        ["map", "clientcert", "clientname", "pamservice", "pam_use_hostname", .. LdapOnly,
         "krb_realm", "include_realm", "compat_realm", "upn_username", .. RadiusLists];

    public static HbaOptionProblem? Check(string name, string value, HbaConnectionType type, HbaAuthMethod method)
    {
        switch (name)
        {
            case "map":
                return method is HbaAuthMethod.Ident or HbaAuthMethod.Peer or HbaAuthMethod.Gss or HbaAuthMethod.Sspi or HbaAuthMethod.Cert
                    ? null
                    : OnlyValidFor(name, "ident, peer, gssapi, sspi, and cert");
            case "clientcert":
                return CheckClientCert(value, type, method);
            case "clientname":
                if (type != HbaConnectionType.HostSsl)
                    return OnlyOnHostSsl(name);
                return value is "CN" or "DN"
                    ? null
                    : new($"invalid value for clientname: \"{value}\"", "Use clientname=CN (the default) or clientname=DN.");
            case "pamservice" or "pam_use_hostname":
                return RequireMethod(name, method, HbaAuthMethod.Pam);
            case "krb_realm" or "include_realm":
                return method is HbaAuthMethod.Gss or HbaAuthMethod.Sspi ? null : OnlyValidFor(name, "gssapi and sspi");
            case "compat_realm" or "upn_username":
                return RequireMethod(name, method, HbaAuthMethod.Sspi);
            case var ldap when LdapOnly.Contains(ldap):
                return RequireMethod(name, method, HbaAuthMethod.Ldap) ?? CheckLdapValue(name, value);
            case var radius when RadiusLists.Contains(radius):
                return RequireMethod(name, method, HbaAuthMethod.Radius) ?? CheckRadiusList(name, value);
            default:
                return new($"unrecognized authentication option name: \"{name}\"",
                    $"PostgreSQL 15 knows these options: {string.Join(", ", KnownNames)}.");
        }
    }

    /// <summary>Checks that need every option of the rule: what LDAP and RADIUS require.</summary>
    public static HbaOptionProblem? CheckComplete(HbaAuthMethod method, IReadOnlyList<KeyValuePair<string, string>> options) => method switch
    {
        HbaAuthMethod.Ldap => CheckLdapComplete(options),
        HbaAuthMethod.Radius => CheckRadiusComplete(options),
        _ => null,
    };

    private static HbaOptionProblem? CheckClientCert(string value, HbaConnectionType type, HbaAuthMethod method)
    {
        if (type != HbaConnectionType.HostSsl)
            return OnlyOnHostSsl("clientcert");
        return value switch
        {
            "verify-full" => null,
            "verify-ca" when method == HbaAuthMethod.Cert => new(
                "clientcert only accepts \"verify-full\" when using \"cert\" authentication",
                "Drop clientcert (cert implies verify-full) or set clientcert=verify-full."),
            "verify-ca" => null,
            _ => new($"invalid value for clientcert: \"{value}\"", "Use clientcert=verify-ca or clientcert=verify-full."),
        };
    }

    private static HbaOptionProblem? CheckLdapValue(string name, string value) => name switch
    {
        "ldapport" when CLibrary.Atoi(value) == 0 => new($"invalid LDAP port number: \"{value}\"", "Give the port as a number, e.g. ldapport=636."),
        "ldapscheme" when value is not ("ldap" or "ldaps") => new($"invalid ldapscheme value: \"{value}\"",
            "Use ldapscheme=ldap or ldapscheme=ldaps; PostgreSQL only logs this, but the connection will fail.", IsWarning: true),
        "ldapurl" => LdapUrl.Parse(value).Problem,
        _ => null,
    };

    private static HbaOptionProblem? CheckRadiusList(string name, string value)
    {
        var items = GucList.Split(value);
        var listName = name switch
        {
            "radiusservers" => "server",
            "radiusports" => "port",
            "radiussecrets" => "secret",
            _ => "identifiers",
        };
        if (items is null)
            return new($"could not parse RADIUS {listName} list \"{value}\"", "Separate entries with commas and quote the whole option if it has blanks, e.g. \"radiusservers=a, b\".");
        if (name == "radiusports" && items.Any(port => CLibrary.Atoi(port) == 0))
            return new($"invalid RADIUS port number: \"{value}\"", "Give each port as a number, e.g. radiusports=1812.");
        return null;
    }

    private static HbaOptionProblem? CheckLdapComplete(IReadOnlyList<KeyValuePair<string, string>> options)
    {
        var ldap = HbaLdapSettings.From(options);
        if (ldap.Prefix is not null || ldap.Suffix is not null)
        {
            if (ldap.BaseDn is not null || ldap.BindDn is not null || ldap.BindPassword is not null || ldap.SearchAttribute is not null || ldap.SearchFilter is not null)
                return new("cannot use ldapbasedn, ldapbinddn, ldapbindpasswd, ldapsearchattribute, ldapsearchfilter, or ldapurl together with ldapprefix",
                    "Use either simple bind (ldapprefix/ldapsuffix) or search+bind (ldapbasedn and the search options), not both.");
        }
        else if (ldap.BaseDn is null)
        {
            return new("authentication method \"ldap\" requires argument \"ldapbasedn\", \"ldapprefix\", or \"ldapsuffix\" to be set",
                "Add ldapbasedn=... for search+bind, or ldapprefix=/ldapsuffix= for simple bind.");
        }

        return ldap.SearchAttribute is not null && ldap.SearchFilter is not null
            ? new("cannot use ldapsearchattribute together with ldapsearchfilter", "Keep only one of ldapsearchattribute and ldapsearchfilter.")
            : null;
    }

    private static HbaOptionProblem? CheckRadiusComplete(IReadOnlyList<KeyValuePair<string, string>> options)
    {
        int? Count(string name) => options.LastOrDefault(option => option.Key == name) is { Value: { } value } ? GucList.Split(value)?.Count : 0;

        var servers = Count("radiusservers") ?? 0;
        var secrets = Count("radiussecrets") ?? 0;
        if (servers == 0)
            return Mandatory("radiusservers");
        if (secrets == 0)
            return Mandatory("radiussecrets");
        if (secrets != 1 && secrets != servers)
            return new($"the number of RADIUS secrets ({secrets}) must be 1 or the same as the number of RADIUS servers ({servers})",
                "Give one secret for all servers, or one per server in the same order.");
        foreach (var (name, label) in new[] { ("radiusports", "ports"), ("radiusidentifiers", "identifiers") })
        {
            var count = Count(name) ?? 0;
            if (count > 1 && count != servers)
                return new($"the number of RADIUS {label} ({count}) must be 1 or the same as the number of RADIUS servers ({servers})",
                    $"Give one value for all servers, or one per server in the same order.");
        }
        return null;
    }

    private static HbaOptionProblem Mandatory(string argument) =>
        new($"authentication method \"radius\" requires argument \"{argument}\" to be set", $"Add {argument}=... to the rule.");

    private static HbaOptionProblem? RequireMethod(string name, HbaAuthMethod method, HbaAuthMethod required) =>
        method == required ? null : OnlyValidFor(name, required == HbaAuthMethod.Sspi ? "sspi" : required.Keyword());

    private static HbaOptionProblem OnlyValidFor(string name, string methods) =>
        new($"authentication option \"{name}\" is only valid for authentication methods {methods}",
            $"Remove {name}, or use it on a rule whose method is one of: {methods}.");

    private static HbaOptionProblem OnlyOnHostSsl(string name) =>
        new($"{name} can only be configured for \"hostssl\" rows", $"Change the connection type to hostssl, or remove {name}.");
}
