using static SwarmPgGitOps.Tests.BadInput.CaseKit;

namespace SwarmPgGitOps.Tests.BadInput;

/// <summary>
/// Access rules that PostgreSQL reads differently from how they look, each validated through the real entry point on a
/// scratch project and reported at the rule's key: @file names (the rendered pg_hba.conf is deployed alone), LDAP URLs
/// OpenLDAP refuses, numbers and blanks as the server's C code reads them, token length in bytes, IPv6 zones, and hostssl
/// while the rendered postgresql.conf leaves ssl off. The generated agreement test checks the same readings against the
/// server itself.
/// </summary>
[Trait("Category", "BadInput")]
public class AccessRuleCases
{
    private const string LabRule = "{ type: host, database: all, user: postgres, address: 192.168.77.0/24, method: scram-sha-256 }";

    private static BadInputCase Qa(Func<string, string> edit, Locator at, string message) => new("lab", "qa", edit, at, message);

    private static Func<string, string> Rule(string find, string replace) => Replace(LabRule, LabRule.Replace(find, replace, StringComparison.Ordinal));

    private static Func<string, string> Ldap(string options) => Rule("method: scram-sha-256", $"method: ldap, options: {{ {options} }}");

    private static readonly string LongName = new('é', 5120); // 5120 characters, 10240 bytes

    public static readonly IReadOnlyDictionary<string, BadInputCase> Cases = new Dictionary<string, BadInputCase>
    {
        ["@file as database"] = Qa(Rule("database: all", "database: \"@admin_dbs\""), Value("database: \"@admin_dbs\""),
            "access.rules[0]: could not open secondary authentication file \"@admin_dbs\" as \"/etc/postgresql/admin_dbs\": No such file or directory (hint: Environment rules cannot use @file"),
        ["@file in a user list"] = Qa(Rule("user: postgres", "user: \"postgres,@ops\""), Value("user: \"postgres,@ops\""),
            "access.rules[0]: could not open secondary authentication file \"@ops\""),
        ["ldapurl: port not a number"] = Qa(Ldap("ldapurl: \"ldap://ldap.example.com:ldap/dc=example\""), At("\"ldap://ldap.example.com:ldap"),
            "access.rules[0]: could not parse LDAP URL \"ldap://ldap.example.com:ldap/dc=example\""),
        ["ldapurl: colon without a port"] = Qa(Ldap("ldapurl: \"ldap://ldap.example.com:/dc=example\""), At("\"ldap://ldap.example.com:/"),
            "access.rules[0]: could not parse LDAP URL \"ldap://ldap.example.com:/dc=example\""),
        ["ldapurl: unknown scope"] = Qa(Ldap("ldapurl: \"ldap://ldap.example.com/dc=example?uid?everything\""), At("\"ldap://ldap.example.com/dc=example?uid?everything"),
            "could not parse LDAP URL \"ldap://ldap.example.com/dc=example?uid?everything\" (hint: The scope is not base, one, sub"),
        ["ldapurl: extra ? part"] = Qa(Ldap("ldapurl: \"ldap://ldap.example.com/dc=example??sub?(uid=a)?ext?more\""), At("\"ldap://ldap.example.com/dc=example??sub"),
            "could not parse LDAP URL"),
        ["ldapurl: scheme"] = Qa(Ldap("ldapurl: \"pldap://ldap.example.com/dc=example\""), At("\"pldap://"),
            "access.rules[0]: unsupported LDAP URL scheme: pldap"),
        ["ldapport: atoi wraps to 0"] = Qa(Ldap("ldapserver: ldap.example.com, ldapbasedn: dc=example, ldapport: \"4294967296\""), At("\"4294967296\""),
            "access.rules[0]: invalid LDAP port number: \"4294967296\""),
        ["ldapport: no-break space is not a blank"] = Qa(Ldap("ldapserver: ldap.example.com, ldapbasedn: dc=example, ldapport: \"\\u00a0636\""), At("\"\\u00a0636\""),
            "access.rules[0]: invalid LDAP port number: \"\u00a0636\""),
        ["address: no-break space is part of the mask"] = Qa(Rule("address: 192.168.77.0/24", "address: \"192.168.77.0/24\\u00a0\""), Value("address: \"192.168.77.0/24\\u00a0\""),
            "access.rules[0]: invalid CIDR mask in address \"192.168.77.0/24\u00a0\""),
        ["database: 10240 bytes in 5120 characters"] = Qa(Rule("database: all", $"database: {LongName}"), Value($"database: {LongName}"),
            "access.rules[0]: authentication file token too long"),
        ["address: zone name on a global IPv6 address"] = Qa(Rule("address: 192.168.77.0/24", "address: \"2001:db8::1%lo/128\""), Value("address: \"2001:db8::1%lo/128\""),
            "access.rules[0]: specifying both host name and CIDR mask is invalid: \"2001:db8::1%lo/128\""),
        ["address: zone number beyond 32 bits"] = Qa(Rule("address: 192.168.77.0/24", "address: \"fe80::1%4294967296/128\""), Value("address: \"fe80::1%4294967296/128\""),
            "access.rules[0]: specifying both host name and CIDR mask is invalid: \"fe80::1%4294967296/128\""),
        ["address: zone naming an interface the container may lack"] = Qa(Rule("address: 192.168.77.0/24", "address: \"fe80::1%eth0/64\""), Value("address: \"fe80::1%eth0/64\""),
            "access.rules[0]: specifying both host name and CIDR mask is invalid: \"fe80::1%eth0/64\" (hint: The zone after % must be a number"),
        ["ldapbindpasswd is masked where the rule is quoted"] = Qa(
            Replace(LabRule, LabRule.Replace("address: 192.168.77.0/24", "address: 0.0.0.0/0", StringComparison.Ordinal)
                .Replace("method: scram-sha-256", "method: ldap, options: { ldapserver: ldap.example.com, ldapbasedn: dc=example, ldapbinddn: cn=pg, ldapbindpasswd: Xy7pasted9Secret }", StringComparison.Ordinal)),
            Value("address: 0.0.0.0/0"),
            "rule \"host all postgres 0.0.0.0/0 ldap ldapbasedn=dc=example ldapbinddn=cn=pg ldapbindpasswd=*** ldapserver=ldap.example.com\" accepts connections from any address"),
        ["hostssl while ssl is off"] = Qa(Rule("type: host", "type: hostssl"), Value("type: hostssl"),
            "access.rules[0]: hostssl record cannot match because SSL is disabled (hint: Set ssl = on in postgresql.conf"),
    };

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Access_rule_the_server_reads_differently_is_reported_at_its_key(string name) => Cases[name].Check();

    [Theory]
    [InlineData("type: hostssl, database: all", "extra:\n      ssl: \"on\"\n      shared_buffers: 64MB")] // the check follows the rendered ssl setting
    [InlineData("type: host, database: '\"@admins\"'", "extra:\n      shared_buffers: 64MB")] // quoted for pg_hba.conf: a name, not a file
    [InlineData("type: host, database: \"app\\u00a0db\"", "extra:\n      shared_buffers: 64MB")] // a no-break space is part of a name
    [InlineData("type: host, database: \"app\\vdb\"", "extra:\n      shared_buffers: 64MB")] // so is a vertical tab
    [InlineData("type: host, database: all", "extra:\n      shared_buffers: 64MB")]
    [InlineData("type: host, database: all, user: postgres, address: \"fe80::1%lo/128\", method: scram-sha-256 } #", "extra:\n      shared_buffers: 64MB")] // lo is in every container
    public void Rules_the_server_accepts_pass(string typeAndDatabase, string extra)
    {
        var text = Replace(LabRule, LabRule.Replace("type: host, database: all", typeAndDatabase, StringComparison.Ordinal))
            .Then(Replace("extra:\n      shared_buffers: 64MB", extra))(Tests.Support.ClassicFixture.LabText);
        using var project = new ScratchProject();
        project.WriteEnvironment("qa", text);

        var report = project.Validate("qa");

        Assert.True(report.Passed, string.Join("\n", report.Diagnostics));
    }
}
