namespace SwarmPgGitOps.Tests.BadInput;

/// <summary>
/// Generates pg_hba.conf lines, valid and not, from a seed: connection types, database and user lists (keywords, quoted
/// names, +groups), addresses (CIDR ranges with good and bad masks, separate netmasks, host names, keywords, the odd
/// numeric forms getaddrinfo takes), methods (also on the wrong connection type) and options (mostly the ones the
/// method takes, sometimes not, with good and bad values), plus truncated lines, comments and over-long tokens.
/// Biased towards where a parser most easily reads differently from the server: @name files in every column (present,
/// empty, comment-only, nested, missing; <see cref="IncludeFiles"/> are written beside pg_hba.conf), LDAP URLs built from
/// good and bad parts, separators and numbers the C library reads its own way (\v, \f, no-break space, atoi),
/// tokens around the 10239-byte limit in multi-byte characters (15 stops there, 16 on does not), names that start with
/// '/' (regular expressions from 16 on, valid and not), IPv6 zones, and hostssl (judged with ssl on and off).
/// Left out on purpose: RADIUS server names other than numeric addresses and localhost (PostgreSQL resolves them while
/// parsing, which would need DNS), @name files that include themselves (PostgreSQL 15 recurses without limit), and LDAP
/// URLs whose attribute part names no attribute ("?,?": PostgreSQL 15's backend crashes on them, our parser refuses them).
/// </summary>
public sealed class HbaLineGenerator(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>The files @name tokens refer to, by name relative to pg_hba.conf's folder.</summary>
    public IReadOnlyDictionary<string, string> IncludeFiles { get; } = new Dictionary<string, string>
    {
        ["inc_dbs"] = "app, reports\n\"my db\"  # a comment\n",
        ["inc_users"] = "alice,+admins\nbob\n",
        ["inc_empty"] = "",
        ["inc_comment"] = "# nothing but a comment\n\n",
        ["inc_nested"] = "@inc_users, carol\n",
        ["inc_net"] = "10.0.0.0/8\n",
        ["inc_two_nets"] = "10.0.0.0/8 192.168.0.0/16\n",
        ["inc_method"] = "scram-sha-256\n",
        ["inc_type"] = "host\n",
        ["inc_options"] = "ldapserver=ldap.example.com ldapbasedn=dc=x\n",
        ["inc_long"] = new string('l', 10240) + "\n",
        ["lists/inc_relative"] = "@../inc_dbs\n",
    };

    private static readonly string[] Inclusions =
        ["@inc_dbs", "@inc_users", "@inc_empty", "@inc_comment", "@inc_nested", "@inc_missing", "@lists/inc_relative", "@\"inc_dbs\"", "\"@inc_dbs\"", "@", "@inc_long"];

    private static readonly string[] ColumnInclusions = ["@inc_net", "@inc_two_nets", "@inc_method", "@inc_type", "@inc_options", "@inc_empty", "@inc_missing", "@inc_dbs"];

    private static readonly string[] ZoneAddresses =
    [
        "fe80::1%lo/128", "fe80::1%1/128", "fe80::1%eth0/64", "fe80::1%nosuchif/128", "2001:db8::1%1/128", "2001:db8::1%lo/128",
        "fe80::1%4294967295/128", "fe80::1%4294967296/128", "fe80::1%99999999999999999999999/128", "fe80::1%01/128", "fe80::1%-1/128",
        "fe80::1%+1/128", "ff02::1%lo/128", "ff05::1%lo/128", "ff01::1%lo/128", "::1%1/128", "fe80::1%lo", "fe80::1%1 ffff:ffff::",
        "2001:db8::%7/32", "fe80::1%1%2/128", "10.0.0.1%1/32", "fe80::1%1\u00a0/128", "fe80::1%lo/64 ", "fe80::%lo/10",
        "1:2:3:4:5:6:7:8/128", "1:2:3:4:5:6:7:8:9/128", "::ffff:1.2.3/128", "1::2:3:4:5:6:7:8/128", "::1.2.3.4/128", "0:0:0:0:0:0:0:1/128",
        "1:2:3:4:5:6:1.2.3.4/128", "12345::/16", ":1::/16", "1:::/16", "::ffff:0:1.2.3.4/128", "::ffff:0102:0304/128", "1:0:0:1:0:0:0:1/128",
        "fe80:0:0:0:0:0:0:1%1/128", "::0.0.0.1/128", "::ffff:10.0.0.0 ffff:ffff:ffff:ffff:ffff:ffff:ff00:0", "01.02.03.04/32", "1.2.3.04/32",
    ];

    /// <summary>Names that start with '/': regular expressions from PostgreSQL 16 on (valid or not), plain names before.</summary>
    private static readonly string[] RegularExpressions =
    [
        "/^app$", "/^db_\\d+$", "/a|b", "/(a|b)c", "/(?:ab)+", "/a(?=b)", "/(?<=a)b", "/(?i)app", "/(?x) a b", "/***:a", "/***=a(", "/",
        "/.*", "/a{2}", "/a{1,2}?", "/a{255}", "/[a-z]+", "/[]a]", "/[^]a]", "/[---]", "/[[:alpha:]]", "/[[.space.]]", "/[[=a=]]",
        "/[\\x41-\\x5a]", "/[b-\\x7a]", "/[\\d]", "/\\y\\m\\M", "/\\x41\\u0041\\101", "/(a)\\1", "/é+", "/\\é",
        "/(", "/)", "/[a", "/[]", "/*a", "/a**", "/a{2,1}", "/a{256}", "/a{1", "/a{1 }", "/a{1}{2}", "/^*", "/(?<n>a)", "/(?P<n>a)",
        "/(?z)a", "/a(?i)b", "/[z-a]", "/[[:foo:]]", "/[[.foo.]]", "/[\\w-z]", "/[a-b-c]", "/[[:alpha:]-z]", "/\\", "/\\q", "/\\x",
        "/\\u004", "/\\1", "/(a)\\2", "/(a\\1)", "/\\c", "/[\\y]", "/***", "/a{", "/a{a}", "/\\89", "/\\18",
    ];

    private static readonly string[] OddBlanks = ["\v", "\f", "\u00a0", "\u2003"];

    private static readonly string[] Numbers =
        ["389", "\v389", "\f389", " 389", "\u00a0389", "+389", "-389", "0", "00", "0389", "389abc", "abc", "4294967296", "4294967297", "99999999999999999999", "-4294967296", "0x10", "2147483648", ""];

    private static readonly string[] ValidTypes = ["local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"];
    private static readonly string[] InvalidTypes = ["hots", "HOST", "localhost", "hostssl,host", "\"host\"", "hostgss", "ssl"];

    private static readonly string[] Databases =
        ["all", "sameuser", "samerole", "samegroup", "replication", "app", "postgres", "\"all\"", "\"my db\"", "+admins", "\"replication\"", "db_1", "\"\""];

    private static readonly string[] Users =
        ["all", "postgres", "app", "+admins", "\"+admins\"", "\"all\"", "\"app user\"", "replication", "+\"db admins\"", "u1"];

    private static readonly string[] GoodAddresses =
    [
        "10.0.0.0/8", "192.168.1.0/24", "10.1.2.3/32", "0.0.0.0/0", "::/0", "::1/128", "fe80::/10", "2001:db8::/32", "10.0.0.1/8",
        "127.0.0.1/32", "::ffff:10.0.0.0/104", "all", "samehost", "samenet", "\"all\"", "db.example.com", ".example.com", "localhost",
        "10.0.0.0/008", "10.0.0.0/+8", "127.1/32", "1/32", "0x7f.0.0.1/32", "010.0.0.1/32", "fe80::1%lo/128", "::ffff:1.2.3.4/128",
        "0/0", "::/0", "FE80::/10", "10.0.0.0/08", "2001:DB8:0:0:0:0:0:1/128", "fe80::1%1/128", "host-1.example", "*", "10.0.0.0.example.com",
    ];

    private static readonly string[] BadAddresses =
    [
        "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/abc", "10.0.0.0/", "10.0.0.0/8x", "example.com/24", "samehost/32",
        "10.0.0.256/32", "1.2.3.4.5/32", "1::2::3/64", "fe80::1%nonexistent0/128", "\"10.0.0.0/8\"", "10.0.0.0/8,10.1.0.0/16", "/8",
        "10.0.0.0/0x8", "1.2.3.4/32/8", "10.0.0.0/8 255.0.0.0", "[::1]/128", "::1/64x", "10.0.0.0/ 8", "fe80::1%/128", "12345/32",
    ];

    private static readonly string[] NetmaskPairs =
    [
        "10.0.0.0 255.0.0.0", "192.168.0.0 255.255.0.0", "10.0.0.0 255.0.255.0", "::1 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "10.0.0.0 ffff::", "::1 255.255.255.255", "10.0.0.0 255.0.0.256", "10.0.0.0 mask", "10.0.0.0", "127.0.0.1 0.0.0.0",
        "10.0.0.0 255.0.0.0,255.255.0.0",
    ];

    private static readonly string[] ValidMethods = ["trust", "reject", "scram-sha-256", "md5", "password", "gss", "ident", "peer", "pam", "ldap", "radius", "cert"];
    private static readonly string[] InvalidMethods = ["sspi", "bsd", "crypt", "krb5", "MD5", "scram", "\"md5\"", "md5,trust", "none", "gssapi"];

    private static readonly Dictionary<string, string[][]> OptionsByMethod = new()
    {
        ["ident"] = [["map=omicron"], []],
        ["peer"] = [["map=omicron"], []],
        ["gss"] = [["include_realm=0"], ["krb_realm=EXAMPLE.COM", "map=gss"], ["include_realm=1", "krb_realm=X"]],
        ["cert"] = [["clientname=DN"], ["map=certmap"], ["clientcert=verify-full"], ["clientcert=verify-ca"]],
        ["pam"] = [["pamservice=postgresql"], ["pam_use_hostname=1"]],
        ["ldap"] =
        [
            ["ldapserver=ldap.example.com", "ldapbasedn=\"dc=example, dc=com\""],
            ["ldapserver=ldap.example.com", "ldapprefix=\"cn=\"", "ldapsuffix=\", dc=example, dc=com\""],
            ["ldapurl=ldap://ldap.example.com/dc=example,dc=com?uid?sub"],
            ["ldapurl=ldaps://ldap.example.com"],
            ["ldapurl=http://ldap.example.com/dc=x"],
            ["ldapurl=\"ldap://ldap.example.com/dc=x?uid?sub?(uid=x)\""],
            ["ldapserver=ldap.example.com", "ldapport=636", "ldapscheme=ldaps", "ldapbasedn=dc=x"],
            ["ldapserver=ldap.example.com", "ldapport=abc", "ldapbasedn=dc=x"],
            ["ldapserver=ldap.example.com", "ldapscheme=ldapx", "ldapbasedn=dc=x"],
            ["ldapserver=ldap.example.com", "ldapbasedn=dc=x", "ldapsearchattribute=uid", "ldapsearchfilter=\"(uid=$username)\""],
            ["ldapserver=ldap.example.com", "ldapprefix=cn=", "ldapbasedn=dc=x"],
            ["ldapserver=ldap.example.com"],
            ["ldapserver=ldap.example.com", "ldaptls=1", "ldapbinddn=cn=admin", "ldapbindpasswd=secret", "ldapbasedn=dc=x"],
        ],
        ["radius"] =
        [
            ["radiusservers=127.0.0.1", "radiussecrets=s3cret"],
            ["radiusservers=\"127.0.0.1, ::1\"", "radiussecrets=\"a, b\"", "radiusports=\"1812,1813\""],
            ["radiusservers=localhost", "radiussecrets=s", "radiusidentifiers=pg"],
            ["radiusservers=127.0.0.1"],
            ["radiussecrets=s"],
            ["radiusservers=\"127.0.0.1,::1\"", "radiussecrets=\"a,b,c\""],
            ["radiusservers=127.0.0.1", "radiussecrets=s", "radiusports=abc"],
            ["radiusservers=\"127.0.0.1,,::1\"", "radiussecrets=s"],
            ["radiusservers=127.0.0.1", "radiussecrets=s", "radiusports=\"1812,1813\""],
        ],
    };

    private static readonly string[] StrayOptions =
    [
        "map=x", "clientcert=verify-ca", "clientcert=verify-full", "clientcert=1", "clientcert=no-verify", "clientname=CN", "clientname=cn",
        "pamservice=x", "ldapserver=x", "radiusservers=127.0.0.1", "krb_realm=X", "include_realm=0", "compat_realm=1", "upn_username=1",
        "unknown=1", "noequals", "=x", "sslmode=require", "map=", "clientcert=", "pam_use_hostname=yes",
    ];

    public IReadOnlyList<string> Lines(int count) => Enumerable.Range(0, count).Select(_ => Line()).ToList();

    public string Line()
    {
        var roll = _random.Next(100);
        if (roll < 2)
            return Pick(["", "# a comment", "   ", "\t# indented comment"]);
        if (roll < 4)
            return Pick(["host all all", "host all", "local", "host all all 10.0.0.0/8", "local all all", "hostssl all all ::1/128"]);
        if (roll < 45)
            return FocusedLine();

        var type = _random.Next(100) < 94 ? Pick(ValidTypes) : _random.Next(3) == 0 ? Pick(ColumnInclusions) : Pick(InvalidTypes);
        var fields = new List<string> { type, List(Databases), List(Users) };
        if (type != "local" && _random.Next(100) < 97)
            fields.Add(Address());
        var method = _random.Next(100) < 92 ? Pick(ValidMethods) : _random.Next(3) == 0 ? Pick(ColumnInclusions) : Pick(InvalidMethods);
        fields.Add(method);
        fields.AddRange(Options(method));

        if (_random.Next(100) < 3)
            fields.Insert(_random.Next(1, fields.Count), LongToken());
        if (_random.Next(100) < 4)
            fields.RemoveAt(_random.Next(1, fields.Count));
        var line = string.Join(Separator(), fields);
        if (_random.Next(100) < 5)
            line += Pick(["  # trailing comment", " #x", "\t", " ,"]);
        return line;
    }

    /// <summary>A line that is valid but for one of the classes the generator is biased to, so that most of them reach the field comparison.</summary>
    private string FocusedLine()
    {
        string[] plain = ["host", "all", "all", "10.0.0.0/8", "scram-sha-256"];
        switch (_random.Next(8))
        {
            case 0:
                var url = "\"ldapurl=" + LdapUrl() + "\"";
                return _random.Next(4) == 0
                    ? $"host all all 10.0.0.0/8 ldap {Pick(["ldapbasedn=dc=y", "ldapport=1389", "ldapsearchattribute=cn", "ldapscheme=ldaps", "ldaptls=1", "ldapserver=other"])} {url}"
                    : $"host all all 10.0.0.0/8 ldap {url}" + (_random.Next(5) == 0 ? " ldapbinddn=cn=admin" : "");
            case 1:
                return $"{Pick(["host", "hostnossl", "host"])} all all {Quoted(Pick(ZoneAddresses))} scram-sha-256";
            case 2:
                var method = _random.Next(5) == 0 ? "ldap @inc_options" : _random.Next(5) == 0 ? "@inc_method" : "scram-sha-256";
                return string.Join(' ',
                    _random.Next(8) == 0 ? "@inc_type" : "host", List(Databases, 50), List(Users, 50), _random.Next(5) == 0 ? Pick(ColumnInclusions) : "10.0.0.0/8", method);
            case 3:
                var fields = plain.ToList();
                if (_random.Next(2) == 0)
                    fields[_random.Next(1, 3)] = Pick(["app", "\"my db\"", "u"]) + Pick(OddBlanks) + Pick(["db", "x"]);
                var blank = _random.Next(1, fields.Count);
                return string.Concat(fields.Select((field, index) => (index == 0 ? "" : index == blank ? Pick(OddBlanks) : " ") + field));
            case 4:
                return _random.Next(3) switch
                {
                    0 => $"host all all 10.0.0.0/8 ldap ldapserver=h ldapbasedn=dc=x \"ldapport={Pick(Numbers)}\"",
                    1 => $"host all all 10.0.0.0/8 radius radiusservers=127.0.0.1 radiussecrets=s \"radiusports={Pick(Numbers)},{Pick(Numbers)}\"",
                    _ => $"host all all \"10.0.0.0/{Pick(["8", "\v8", "\f8", "\u00a08", "+8", "08", "8\v", " 8", "-0", "4294967304", "99999999999999999999"])}\" scram-sha-256",
                };
            case 5:
                var at = _random.Next(1, 3);
                fields = plain.ToList();
                fields[at] = LongToken();
                return string.Join(' ', fields);
            case 6:
                var expression = Pick(RegularExpressions);
                var name = _random.Next(4) == 0 ? "\"" + expression.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : NameToken(expression);
                return _random.Next(2) == 0
                    ? $"host {(_random.Next(4) == 0 ? "app," : "")}{name} all 10.0.0.0/8 scram-sha-256"
                    : $"host all {(_random.Next(4) == 0 ? "+" : "")}{name} 10.0.0.0/8 scram-sha-256";
            default:
                return "hostssl all all 10.0.0.0/8 " + Pick(["scram-sha-256", "cert", "cert clientcert=verify-full", "scram-sha-256 clientcert=verify-ca", "md5"]);
        }
    }

    private string Address()
    {
        var roll = _random.Next(100);
        return roll < 45 ? Pick(GoodAddresses) : roll < 65 ? Pick(BadAddresses) : roll < 80 ? Pick(NetmaskPairs) : roll < 95 ? Quoted(Pick(ZoneAddresses)) : Pick(ColumnInclusions);
    }

    private IEnumerable<string> Options(string method)
    {
        var options = new List<string>();
        var roll = _random.Next(100);
        if (method == "ldap" && roll < 45)
        {
            options.Add("\"ldapurl=" + LdapUrl().Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
            if (_random.Next(4) == 0)
                options.Add(Pick(["ldapbasedn=dc=y", "ldapport=1389", "ldapsearchattribute=cn", "ldapprefix=cn=", "ldapscheme=ldaps", "ldaptls=1", "ldapserver=other"]));
            if (_random.Next(4) == 0)
                options.Reverse();
        }
        else if (method == "ldap" && roll < 60)
        {
            options.AddRange(["ldapserver=ldap.example.com", "ldapbasedn=dc=x", "\"ldapport=" + Pick(Numbers) + "\""]);
        }
        else if (method == "radius" && roll < 20)
        {
            options.AddRange(["radiusservers=127.0.0.1", "radiussecrets=s", "\"radiusports=" + Pick(Numbers) + "\""]);
        }
        else if (OptionsByMethod.TryGetValue(method, out var sets) && roll < 85)
        {
            options.AddRange(Pick(sets));
        }
        if (_random.Next(100) < 20)
            options.Add(Pick(StrayOptions));
        return options;
    }

    private string List(string[] names, int inclusionPercent = 15)
    {
        var count = _random.Next(100) < 75 ? 1 : _random.Next(2, 4);
        return string.Join(_random.Next(2) == 0 ? "," : ", ", Enumerable.Range(0, count).Select(_ => _random.Next(100) < inclusionPercent ? Pick(Inclusions) : Pick(names)));
    }

    /// <summary>A name as one token: quoted (its quotes doubled) when it holds a blank, a comma, '#' or a quote.</summary>
    private static string NameToken(string name) =>
        name.Any(c => c is ' ' or '\t' or ',' or '#' or '"') ? "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : name;

    /// <summary>Quotes a text that holds a blank, so it stays one token.</summary>
    private static string Quoted(string text) => text.Any(c => c is ' ' or '\t') ? "\"" + text.Trim() + "\"" : text;

    /// <summary>An LDAP URL assembled from good and bad parts.</summary>
    private string LdapUrl()
    {
        var prefix = Pick(["", "", "", "", "URL:", "url:", "<", "<URL:"]);
        var scheme = Pick(["ldap", "ldap", "ldaps", "LDAP", "Ldaps", "ldapi", "pldap", "cldap", "http", "ldap:"]);
        var host = Pick(["ldap.example.com", "ldap.example.com", "[::1]", "[::1", "", "h%41", "127.0.0.1"]);
        var port = Pick(["", "", "", ":389", ":636", ":", ":abc", ":0", ":99999", ":-1", ":+636", ":389x", ":%33%38%39", ":4294967296", ":\v389"]);
        var path = Pick(["", "/", "/dc=example,dc=com", "/dc=example,dc=com", "/dc=x", "/dc=%zz", "/ou=a%20b"]);
        var query = path.Length == 0 && _random.Next(3) > 0 ? "" : Pick([
            "", "?uid", "?uid?sub", "?uid?base", "?uid?one", "?uid?SUB", "?uid?subtree", "?uid?children", "?uid?everything", "??sub?(uid=a)",
            "?uid?sub?(uid=a)", "??one??ext", "??one?(uid=a)?!crit", "??sub?(uid=a)?e?f", "???", "????", "?????", "??%zz", "???%zz",
        ]);
        var close = prefix.StartsWith('<') && _random.Next(4) > 0 ? ">" : "";
        return $"{prefix}{scheme}://{host}{port}{path}{query}{close}";
    }

    /// <summary>PostgreSQL 15 reads at most 10239 bytes per token: around that limit, in one-, two-, three- and four-byte characters, quoted or not.</summary>
    private string LongToken()
    {
        var unit = Pick(["d", "d", "é", "€", "😀"]);
        var unitBytes = System.Text.Encoding.UTF8.GetByteCount(unit);
        var count = (10239 + _random.Next(-2 * unitBytes, 2 * unitBytes + 1)) / unitBytes;
        var token = string.Concat(Enumerable.Repeat(unit, count)) + (_random.Next(3) == 0 ? "d" : "");
        return _random.Next(3) == 0 ? "\"" + token + "\"" : token;
    }

    private string Separator()
    {
        var roll = _random.Next(100);
        return roll < 8 ? "\t" : roll < 14 ? "   " : roll < 18 ? " " + Pick(OddBlanks) : roll < 21 ? Pick(OddBlanks) : " ";
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
