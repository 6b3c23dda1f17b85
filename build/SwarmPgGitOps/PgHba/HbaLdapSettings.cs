namespace SwarmPgGitOps.PgHba;

/// <summary>
/// The LDAP settings a rule ends up with, applying its options in the order written as parse_hba_auth_opt does: an
/// ldapurl sets the scheme, server, port, base DN, search attribute, scope and filter it carries, and a later option
/// overrides it (every option also resets the scope to subtree, so an ldapurl's scope holds only when it comes last).
/// </summary>
internal sealed record HbaLdapSettings
{
    public string? Scheme { get; init; }
    public string? Server { get; init; }
    public int Port { get; init; }
    public bool Tls { get; init; }
    public string? Prefix { get; init; }
    public string? Suffix { get; init; }
    public string? BaseDn { get; init; }
    public string? BindDn { get; init; }
    public string? BindPassword { get; init; }
    public string? SearchAttribute { get; init; }
    public string? SearchFilter { get; init; }
    public int Scope { get; init; }

    public static HbaLdapSettings From(IEnumerable<KeyValuePair<string, string>> options)
    {
        var settings = new HbaLdapSettings();
        foreach (var (name, value) in options)
        {
            settings = settings with { Scope = LdapUrl.ScopeSubtree };
            settings = name switch
            {
                "ldapurl" when LdapUrl.Parse(value).Url is { } url => settings with
                {
                    Scheme = url.Scheme,
                    Server = url.Host ?? settings.Server,
                    Port = url.Port,
                    BaseDn = url.BaseDn ?? settings.BaseDn,
                    SearchAttribute = url.SearchAttribute ?? settings.SearchAttribute,
                    Scope = url.Scope,
                    SearchFilter = url.Filter ?? settings.SearchFilter,
                },
                "ldaptls" => settings with { Tls = value == "1" },
                "ldapscheme" => settings with { Scheme = value },
                "ldapserver" => settings with { Server = value },
                "ldapport" => settings with { Port = CLibrary.Atoi(value) },
                "ldapbinddn" => settings with { BindDn = value },
                "ldapbindpasswd" => settings with { BindPassword = value },
                "ldapsearchattribute" => settings with { SearchAttribute = value },
                "ldapsearchfilter" => settings with { SearchFilter = value },
                "ldapbasedn" => settings with { BaseDn = value },
                "ldapprefix" => settings with { Prefix = value },
                "ldapsuffix" => settings with { Suffix = value },
                _ => settings,
            };
        }
        return settings;
    }
}
