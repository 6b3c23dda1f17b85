namespace SwarmPgGitOps.PgHba;

/// <summary>
/// Enough of an LDAP URL (ldap[s]://host[:port]/basedn?attribute?scope?filter) to know which settings it supplies,
/// as PostgreSQL takes them from OpenLDAP's ldap_url_parse.
/// </summary>
internal sealed record LdapUrl(bool HasBaseDn, bool HasSearchAttribute, bool HasSearchFilter, HbaOptionProblem? Problem)
{
    public static readonly LdapUrl None = new(false, false, false, null);

    private static readonly string[] SchemesOpenLdapParses = ["ldap", "ldaps", "ldapi", "cldap"];

    public static LdapUrl Parse(string text)
    {
        var separator = text.IndexOf("://", StringComparison.Ordinal);
        var scheme = separator > 0 ? text[..separator] : "";
        if (!SchemesOpenLdapParses.Contains(scheme, StringComparer.OrdinalIgnoreCase))
            return Failed($"could not parse LDAP URL \"{text}\"", "Write it as ldap://host[:port]/basedn?attribute?scope?filter (or ldaps://).");
        if (scheme is not ("ldap" or "ldaps"))
            return Failed($"unsupported LDAP URL scheme: {scheme}", "Use an ldap:// or ldaps:// URL.");

        var rest = text[(separator + 3)..];
        var slash = rest.IndexOf('/');
        if (slash < 0)
            return None;
        var parts = rest[(slash + 1)..].Split('?');
        return new LdapUrl(
            HasBaseDn: true,
            HasSearchAttribute: parts.Length > 1 && parts[1].Length > 0,
            HasSearchFilter: parts.Length > 3 && parts[3].Length > 0,
            Problem: null);
    }

    private static LdapUrl Failed(string message, string hint) => None with { Problem = new HbaOptionProblem(message, hint) };
}
