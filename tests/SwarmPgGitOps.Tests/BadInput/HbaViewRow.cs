using System.Net;
using System.Net.Sockets;
using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.PgHba;

namespace SwarmPgGitOps.Tests.BadInput;

/// <summary>One row of pg_hba_file_rules: the fields PostgreSQL parsed from a record, or its error.</summary>
public sealed record HbaViewRow(
    string? Type, string[]? Databases, string[]? Users, string? Address, string? Netmask, string? Method, string[]? Options, string? Error)
{
    /// <summary>An error, or a row with neither fields nor error (PostgreSQL 15 refuses the file without saying why).</summary>
    public bool IsError => Error is not null || Type is null;

    public string Verdict => Error ?? (Type is null ? "(no fields and no message: the server refuses this file)" : "valid");

    /// <summary>What pg_hba_file_rules would show for a rule our parser read: hbafuncs.c's fill_hba_line and get_hba_options.</summary>
    public static HbaViewRow Of(HbaRule rule, Diagnostic? error) => new(
        rule.ConnectionType.Keyword(),
        rule.Databases.Select(token => token.Text).ToArray(),
        rule.Users.Select(token => token.Text).ToArray(),
        rule.Address switch
        {
            null => null,
            HbaKeywordAddress keyword => keyword.Text,
            HbaHostnameAddress host => host.Hostname,
            HbaIpRange range => Numeric(range.Address),
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Address, "unknown kind of address"),
        },
        rule.Address is HbaIpRange ip ? Numeric(ip.Mask) : null,
        rule.Method.Keyword(),
        OptionsOf(rule),
        error?.Message);

    public static HbaViewRow Failed(Diagnostic error) => new(null, null, null, null, null, null, null, error.Message);

    /// <summary>The fields that differ from <paramref name="other"/>, as "name: ours | theirs".</summary>
    public IEnumerable<string> FieldDifferences(HbaViewRow other)
    {
        static string Show(object? value) => value switch
        {
            null => "NULL",
            string[] items => "{" + string.Join(",", items.Select(item => "\"" + Escape(item) + "\"")) + "}",
            string text => "\"" + Escape(text) + "\"",
            _ => value.ToString()!,
        };
        var pairs = new (string Name, object? Ours, object? Theirs)[]
        {
            ("type", Type, other.Type), ("database", Databases, other.Databases), ("user_name", Users, other.Users),
            ("address", Address, other.Address), ("netmask", Netmask, other.Netmask), ("auth_method", Method, other.Method),
            ("options", Options, other.Options),
        };
        foreach (var (name, ours, theirs) in pairs)
        {
            var same = (ours, theirs) switch
            {
                (string[] a, string[] b) => a.SequenceEqual(b, StringComparer.Ordinal),
                _ => Equals(ours, theirs),
            };
            if (!same)
                yield return $"{name}: ours {Show(ours)} | PostgreSQL {Show(theirs)}";
        }
    }

    public static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)
        .Replace("\v", "\\v", StringComparison.Ordinal).Replace("\f", "\\f", StringComparison.Ordinal).Replace("\u00a0", "\\u00a0", StringComparison.Ordinal);

    /// <summary>getnameinfo(NI_NUMERICHOST) then clean_ipv6_addr: the zone is cut off.</summary>
    private static string Numeric(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? Ipv6Text(address.GetAddressBytes()) : address.ToString();

    /// <summary>
    /// glibc's inet_ntop for IPv6: the first longest run of two or more zero words becomes "::", and the last 32 bits are
    /// written as IPv4 only after 96 zero bits (but not ::1) or after ::ffff: (.NET's IPAddress also does so after ::ffff:0:).
    /// </summary>
    private static string Ipv6Text(byte[] bytes)
    {
        var words = Enumerable.Range(0, 8).Select(i => bytes[2 * i] << 8 | bytes[2 * i + 1]).ToArray();
        int bestBase = -1, bestLength = 0;
        for (var i = 0; i < 8;)
        {
            if (words[i] != 0)
            {
                i++;
                continue;
            }
            var start = i;
            while (i < 8 && words[i] == 0)
                i++;
            if (i - start > bestLength)
                (bestBase, bestLength) = (start, i - start);
        }
        if (bestLength < 2)
            bestBase = -1;
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < 8; i++)
        {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLength)
            {
                if (i == bestBase)
                    text.Append(':');
                continue;
            }
            if (i != 0)
                text.Append(':');
            if (i == 6 && bestBase == 0 && (bestLength == 6 || (bestLength == 7 && words[7] != 1) || (bestLength == 5 && words[5] == 0xFFFF)))
            {
                text.Append(new IPAddress(bytes[12..]).ToString());
                return text.ToString();
            }
            text.Append(words[i].ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        }
        if (bestBase >= 0 && bestBase + bestLength == 8)
            text.Append(':');
        return text.ToString();
    }

    private static string[]? OptionsOf(HbaRule rule)
    {
        var written = rule.WrittenOptions;
        string? Last(string name) => written.LastOrDefault(option => option.Key == name).Value;
        var options = new List<string>();
        if (rule.Method == HbaAuthMethod.Gss)
        {
            if (Last("include_realm") is null or "1")
                options.Add("include_realm=true");
            if (Last("krb_realm") is { } realm)
                options.Add($"krb_realm={realm}");
        }
        if (Last("map") is { } map)
            options.Add($"map={map}");
        if (rule.Method == HbaAuthMethod.Cert)
            options.Add("clientcert=verify-full");
        else if (Last("clientcert") is { } clientcert)
            options.Add($"clientcert={clientcert}");
        if (Last("pamservice") is { } pam)
            options.Add($"pamservice={pam}");
        if (rule.Method == HbaAuthMethod.Ldap)
        {
            var ldap = HbaLdapSettings.From(written);
            void Add(string name, string? value)
            {
                if (value is not null)
                    options.Add($"{name}={value}");
            }
            Add("ldapserver", ldap.Server);
            Add("ldapport", ldap.Port == 0 ? null : ldap.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add("ldapscheme", ldap.Scheme);
            Add("ldaptls", ldap.Tls ? "true" : null);
            Add("ldapprefix", ldap.Prefix);
            Add("ldapsuffix", ldap.Suffix);
            Add("ldapbasedn", ldap.BaseDn);
            Add("ldapbinddn", ldap.BindDn);
            Add("ldapbindpasswd", ldap.BindPassword);
            Add("ldapsearchattribute", ldap.SearchAttribute);
            Add("ldapsearchfilter", ldap.SearchFilter);
            Add("ldapscope", ldap.Scope == 0 ? null : ldap.Scope.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (rule.Method == HbaAuthMethod.Radius)
        {
            foreach (var name in new[] { "radiusservers", "radiussecrets", "radiusidentifiers", "radiusports" })
                if (Last(name) is { } value)
                    options.Add($"{name}={value}");
        }
        return options.Count == 0 ? null : options.ToArray();
    }
}
