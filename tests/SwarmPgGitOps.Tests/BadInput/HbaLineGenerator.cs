namespace SwarmPgGitOps.Tests.BadInput;

/// <summary>
/// Generates pg_hba.conf lines, valid and not, from a seed: connection types, database and user lists (keywords, quoted
/// names, +groups), addresses (CIDR ranges with good and bad masks, separate netmasks, host names, keywords, the odd
/// numeric forms getaddrinfo takes), methods (also on the wrong connection type) and options (mostly the ones the
/// method takes, sometimes not, with good and bad values), plus truncated lines, comments and over-long tokens.
/// Left out on purpose: @file inclusions (PostgreSQL would read files) and RADIUS server names other than numeric
/// addresses and localhost (PostgreSQL resolves them while parsing, which would need DNS).
/// </summary>
public sealed class HbaLineGenerator(int seed)
{
    private readonly Random _random = new(seed);

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

        var type = _random.Next(100) < 94 ? Pick(ValidTypes) : Pick(InvalidTypes);
        var fields = new List<string> { type, List(Databases), List(Users) };
        if (type != "local" && _random.Next(100) < 97)
            fields.Add(Address());
        var method = _random.Next(100) < 92 ? Pick(ValidMethods) : Pick(InvalidMethods);
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

    private string Address()
    {
        var roll = _random.Next(100);
        return roll < 60 ? Pick(GoodAddresses) : roll < 85 ? Pick(BadAddresses) : Pick(NetmaskPairs);
    }

    private IEnumerable<string> Options(string method)
    {
        var options = new List<string>();
        if (OptionsByMethod.TryGetValue(method, out var sets) && _random.Next(100) < 85)
            options.AddRange(Pick(sets));
        if (_random.Next(100) < 20)
            options.Add(Pick(StrayOptions));
        return options;
    }

    private string List(string[] names)
    {
        var count = _random.Next(100) < 75 ? 1 : _random.Next(2, 4);
        return string.Join(_random.Next(2) == 0 ? "," : ", ", Enumerable.Range(0, count).Select(_ => Pick(names)));
    }

    /// <summary>PostgreSQL 15 reads at most 10239 characters per token: around that limit, quoted or not.</summary>
    private string LongToken()
    {
        var token = new string('d', _random.Next(10237, 10242));
        return _random.Next(3) == 0 ? "\"" + token + "\"" : token;
    }

    private string Separator() => _random.Next(10) == 0 ? "\t" : _random.Next(10) == 0 ? "   " : " ";

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
