using System.Text;

namespace SwarmPgGitOps.PgHba;

/// <summary>
/// An LDAP URL as PostgreSQL 15 takes it from OpenLDAP 2.5's ldap_url_parse (the "historic" flags):
/// [&lt;][URL:]scheme://host[:port][/basedn[?attributes[?scope[?filter[?extensions]]]]][&gt;]. The scheme is matched
/// without regard to case; a written port must be a number; the scope is base, one(level), sub(tree), subord(inate)
/// or children; a fifth '?' is refused. Without a '/', everything after the host and port is ignored.
/// </summary>
internal sealed record LdapUrl(string Scheme, string? Host, int Port, string? BaseDn, string? SearchAttribute, int Scope, string? Filter)
{
    public const int ScopeBase = 0;
    public const int ScopeSubtree = 2;

    private static readonly (string Prefix, string Scheme)[] Prefixes =
        [("ldap://", "ldap"), ("pldap://", "pldap"), ("ldaps://", "ldaps"), ("pldaps://", "pldaps"), ("ldapi://", "ldapi")];

    private static readonly Dictionary<string, int> Scopes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["one"] = 1, ["onelevel"] = 1, ["base"] = 0, ["sub"] = 2, ["subtree"] = 2, ["subord"] = 3, ["subordinate"] = 3, ["children"] = 3,
    };

    /// <summary>The URL, or the problem PostgreSQL reports for it (a URL OpenLDAP cannot parse, or a scheme other than ldap and ldaps).</summary>
    public static (LdapUrl? Url, HbaOptionProblem? Problem) Parse(string text)
    {
        var url = ParseOpenLdap(text, out var reason);
        if (url is null)
            return (null, new($"could not parse LDAP URL \"{text}\"",
                $"{reason}. Write it as ldap://host[:port]/basedn?attribute?scope?filter (or ldaps://): the port a number, the scope base, one or sub, nothing after the filter."));
        if (url.Scheme is not ("ldap" or "ldaps"))
            return (null, new($"unsupported LDAP URL scheme: {url.Scheme}", "Use an ldap:// or ldaps:// URL."));
        return (url, null);
    }

    private static LdapUrl? ParseOpenLdap(string text, out string reason)
    {
        reason = "OpenLDAP cannot parse it";
        var rest = text;
        var enclosed = rest.StartsWith('<');
        if (enclosed)
            rest = rest[1..];
        if (rest.StartsWith("URL:", StringComparison.OrdinalIgnoreCase))
            rest = rest[4..];
        var match = Prefixes.FirstOrDefault(p => rest.StartsWith(p.Prefix, StringComparison.OrdinalIgnoreCase));
        if (match.Scheme is null)
        {
            reason = "The scheme is not ldap:// or ldaps://";
            return null;
        }
        rest = rest[match.Prefix.Length..];
        if (enclosed)
        {
            if (!rest.EndsWith('>'))
                return null;
            rest = rest[..^1];
        }

        string hostPort;
        string? path = null;
        var slash = rest.IndexOf('/');
        if (slash >= 0)
        {
            hostPort = rest[..slash];
            path = rest[(slash + 1)..];
        }
        else
        {
            var question = rest.IndexOf('?');
            hostPort = question >= 0 ? rest[..question] : rest;
        }

        var host = hostPort;
        var port = 0;
        if (match.Scheme != "ldapi")
        {
            string? portText = null;
            if (hostPort.StartsWith('['))
            {
                var close = hostPort.IndexOf(']');
                if (close < 0)
                    return null;
                var after = hostPort[(close + 1)..];
                var colon = after.IndexOf(':');
                if (colon > 0)
                    return null;
                host = hostPort[1..close];
                portText = colon == 0 ? after[1..] : null;
            }
            else if (hostPort.IndexOf(':') is var colon and >= 0)
            {
                host = hostPort[..colon];
                portText = hostPort[(colon + 1)..];
            }
            if (portText is not null)
            {
                portText = Unescape(portText);
                var value = CLibrary.Strtol(portText, out var end);
                if (portText.Length == 0 || end == 0 || end != portText.Length)
                    return null;
                port = unchecked((int)value);
            }
            if (port == 0)
                port = match.Scheme == "ldaps" ? 636 : 389;
        }
        host = Unescape(host);

        var url = new LdapUrl(match.Scheme, host.Length == 0 ? null : host, port, null, null, ScopeBase, null);
        if (path is null)
            return url;

        var parts = path.Split('?');
        if (parts.Length > 5)
            return null;
        url = url with { BaseDn = Unescape(parts[0]) };
        if (parts.Length > 1 && parts[1].Length > 0)
        {
            // OpenLDAP accepts an attribute part with no attribute in it ("?,?"); PostgreSQL 15 then reads a null pointer and crashes.
            if (Unescape(parts[1]).Split(',', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() is not { } attribute)
            {
                reason = "Its attribute part names no attribute, which makes PostgreSQL 15 crash";
                return null;
            }
            url = url with { SearchAttribute = attribute };
        }
        if (parts.Length > 2 && parts[2].Length > 0)
        {
            if (!Scopes.TryGetValue(Unescape(parts[2]), out var scope))
            {
                reason = "The scope is not base, one, sub, subord or children";
                return null;
            }
            url = url with { Scope = scope };
        }
        if (parts.Length > 3 && parts[3].Length > 0)
        {
            var filter = Unescape(parts[3]);
            if (filter.Length == 0)
                return null;
            url = url with { Filter = filter };
        }
        if (parts.Length > 4 && parts[4].Split(',', StringSplitOptions.RemoveEmptyEntries).Length == 0)
            return null;
        return url;
    }

    /// <summary>ldap_pvt_hex_unescape: %XX becomes the byte; a '%' without two hex digits after it empties the whole text.</summary>
    private static string Unescape(string text)
    {
        if (!text.Contains('%'))
            return text;
        var bytes = new List<byte>();
        var source = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < source.Length; i++)
        {
            if (source[i] != '%')
            {
                bytes.Add(source[i]);
                continue;
            }
            if (!IsHexPair(source, i + 1))
                return "";
            bytes.Add((byte)(Convert.ToInt32(((char)source[i + 1]).ToString() + (char)source[i + 2], 16)));
            i += 2;
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsHexPair(byte[] source, int index) =>
        index + 1 < source.Length && Uri.IsHexDigit((char)source[index]) && Uri.IsHexDigit((char)source[index + 1]);
}
