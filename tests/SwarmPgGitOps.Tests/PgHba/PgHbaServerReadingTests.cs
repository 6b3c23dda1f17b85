using System.Net;
using SwarmPgGitOps.PgHba;
using static SwarmPgGitOps.Tests.PgHba.HbaTestLines;

namespace SwarmPgGitOps.Tests.PgHba;

/// <summary>
/// Where PostgreSQL's reading depends on more than the line: files named by @name, ssl, and the C library's view of
/// blanks, numbers, bytes and IPv6 zones. Each case was checked against a 15.18 server (see BadInput/PgHbaAgreementTests).
/// </summary>
public class PgHbaServerReadingTests
{
    private static PgHbaServerSettings Files(params (string Path, string Text)[] files) => SslServer with
    {
        HbaFilePath = "/etc/postgresql/pg_hba.conf",
        ReadFile = path => files.FirstOrDefault(file => file.Path == path).Text,
    };

    private static PgHbaDocument Parse(string line, PgHbaServerSettings settings) => PgHbaParser.Parse(line + "\n", HbaFile, settings);

    [Fact]
    public void At_file_is_expanded_in_place_in_any_column()
    {
        var settings = Files(("/etc/postgresql/dbs", "app, reports # the apps\n\"my db\"\n"), ("/etc/postgresql/net", "10.0.0.0/8"), ("/etc/postgresql/m", "scram-sha-256"));

        var rule = Assert.Single(Parse("host postgres,@dbs all @net @m", settings).Rules);

        Assert.Equal(["postgres", "app", "reports", "my db"], Texts(rule.Databases));
        Assert.True(rule.Databases[3].IsQuoted);
        Assert.Equal(HbaIpRange.FromCidr(IPAddress.Parse("10.0.0.0"), 8), rule.Address);
        Assert.Equal(HbaAuthMethod.ScramSha256, rule.Method);
    }

    [Fact]
    public void Empty_at_file_removes_its_column()
    {
        // With the database column gone, "all" is the database, 10.0.0.0/8 the user, and scram-sha-256 the address (a host name).
        var settings = Files(("/etc/postgresql/none", "# nobody\n\n"));

        var error = Assert.Single(Parse("host @none all 10.0.0.0/8 scram-sha-256", settings).Errors);

        Assert.Equal("end-of-line before authentication method", error.Message);
    }

    [Fact]
    public void Missing_at_file_is_an_error_at_its_token()
    {
        var error = Assert.Single(Parse("host all @admins 10.0.0.0/8 scram-sha-256", Files()).Errors);

        Assert.Equal("could not open secondary authentication file \"@admins\" as \"/etc/postgresql/admins\": No such file or directory", error.Message);
        Assert.Equal(10, error.Column);
    }

    [Fact]
    public void Nested_at_file_is_read_relative_to_the_file_that_names_it()
    {
        var settings = Files(("/etc/postgresql/lists/users", "alice,@more"), ("/etc/postgresql/lists/more", "bob"));

        Assert.Equal(["alice", "bob"], Texts(Assert.Single(Parse("host all @lists/users 10.0.0.0/8 scram-sha-256", settings).Rules).Users));
    }

    [Fact]
    public void Hostssl_rule_while_ssl_is_off_is_loaded_but_reported()
    {
        var document = PgHbaParser.Parse("hostssl all all 10.0.0.0/8 scram-sha-256\n", HbaFile, SslServer with { SslEnabled = false });

        Assert.Single(document.Rules);
        var error = Assert.Single(document.Errors);
        Assert.Equal("hostssl record cannot match because SSL is disabled", error.Message);
        Assert.Equal(1, error.Column);
    }

    [Theory]
    [InlineData("host all all 10.0.0.0/8\u00a0scram-sha-256")] // a no-break space is part of the token: "10.0.0.0/8\u00a0scram-sha-256" is no CIDR
    [InlineData("host all all 10.0.0.0/8\vscram-sha-256")]
    public void Only_space_tab_and_carriage_return_separate_tokens(string line)
    {
        Assert.Contains("invalid CIDR mask", Error(line).Message);
    }

    [Theory]
    [InlineData("ldapport=4294967296", true)] // atoi keeps the low 32 bits: 0
    [InlineData("ldapport=\u00a0389", true)] // not C white space
    [InlineData("ldapport=\v389", false)]
    [InlineData("ldapport=99999999999999999999", false)] // strtol saturates, the low bits are -1
    public void Ports_are_read_as_atoi_does(string option, bool refused)
    {
        var line = $"host all all 10.0.0.0/8 ldap ldapserver=h ldapbasedn=dc=x {option}";
        var document = PgHbaParser.ParseLine(line, HbaFile, 1, SslServer);
        Assert.Equal(refused, document.Errors.Count == 1);
    }

    [Fact]
    public void Token_length_counts_bytes()
    {
        var name = new string('é', 5120); // 10240 bytes

        Assert.Contains("token too long", Error($"host {name} all 10.0.0.0/8 scram-sha-256").Message);
        Assert.Equal(5119, Rule($"host {new string('é', 5119)} all 10.0.0.0/8 scram-sha-256").Databases[0].Text.Length);
    }

    [Theory]
    [InlineData(15, false)]
    [InlineData(16, true)]
    [InlineData(17, true)]
    public void Tokens_have_no_length_limit_from_PostgreSQL_16_on(int major, bool accepted)
    {
        var name = new string('d', 20000);

        var document = Parse($"host {name} all 10.0.0.0/8 scram-sha-256", SslServer with { Major = major });

        Assert.Equal(accepted, document.Errors.Count == 0);
        Assert.Equal(accepted ? name : null, document.Rules.SingleOrDefault()?.Databases[0].Text);
    }

    [Theory]
    [InlineData("fe80::1%lo/128", true)]
    [InlineData("fe80::1%1/128", true)]
    [InlineData("2001:db8::1%1/128", true)] // a numeric zone is taken on any address
    [InlineData("2001:db8::1%lo/128", false)] // an interface name only on link-local addresses
    [InlineData("fe80::1%4294967295/128", true)]
    [InlineData("fe80::1%4294967296/128", false)] // more than 32 bits
    [InlineData("fe80::1%/128", false)]
    [InlineData("10.0.0.1%1/32", false)]
    public void Ipv6_zones_are_read_as_glibc_does(string address, bool numeric)
    {
        var document = PgHbaParser.ParseLine($"host all all {address} scram-sha-256", HbaFile, 1, SslServer);

        Assert.Equal(numeric, document.Errors.Count == 0);
        if (!numeric)
            Assert.StartsWith("specifying both host name and CIDR mask is invalid", document.Errors[0].Message);
    }

    [Theory]
    [InlineData("ldap://ldap.example.com/dc=x?uid?sub", null)]
    [InlineData("LDAP://ldap.example.com/dc=x", null)]
    [InlineData("URL:ldap://ldap.example.com/dc=x", null)]
    [InlineData("<ldap://ldap.example.com/dc=x>", null)]
    [InlineData("<ldap://ldap.example.com/dc=x", "could not parse")]
    [InlineData("ldap://ldap.example.com:/dc=x", "could not parse")]
    [InlineData("ldap://ldap.example.com:ldap/dc=x", "could not parse")]
    [InlineData("ldap://ldap.example.com:389x/dc=x", "could not parse")]
    [InlineData("ldap://ldap.example.com/dc=x?uid?subtree", null)]
    [InlineData("ldap://ldap.example.com/dc=x?uid?everything", "could not parse")]
    [InlineData("ldap://ldap.example.com/dc=x??sub?(uid=a)?ext", null)]
    [InlineData("ldap://ldap.example.com/dc=x??sub?(uid=a)?ext?more", "could not parse")]
    [InlineData("ldap://ldap.example.com?whatever?is?ignored?here?too", "requires argument")] // no '/': no base DN
    [InlineData("pldap://ldap.example.com/dc=x", "unsupported LDAP URL scheme: pldap")]
    [InlineData("ldap://ldap.example.com/dc=x?,?sub", "could not parse")] // accepted by OpenLDAP, but PostgreSQL 15 crashes on it
    public void Ldap_urls_are_read_as_openldap_does(string url, string? problem)
    {
        var document = PgHbaParser.ParseLine($"host all all 10.0.0.0/8 ldap \"ldapurl={url}\"", HbaFile, 1, SslServer);

        if (problem is null)
            Assert.Empty(document.Errors);
        else
            Assert.Contains(problem, Assert.Single(document.Errors).Message);
    }

    [Fact]
    public void Ldap_url_values_are_overridden_by_later_options()
    {
        var rule = Rule("host all all 10.0.0.0/8 ldap ldapurl=ldaps://h:1636/dc=x?cn?one ldapbasedn=dc=y");
        var ldap = HbaLdapSettings.From(rule.WrittenOptions);

        Assert.Equal(("ldaps", "h", 1636, "dc=y", "cn"), (ldap.Scheme, ldap.Server, ldap.Port, ldap.BaseDn, ldap.SearchAttribute));
        Assert.Equal(LdapUrl.ScopeSubtree, ldap.Scope); // every option resets the scope; only a last ldapurl keeps its own
    }
}
