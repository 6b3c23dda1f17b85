using System.Net;
using SwarmPgGitOps.PgHba;
using static SwarmPgGitOps.Tests.PgHba.HbaTestLines;

namespace SwarmPgGitOps.Tests.PgHba;

public class PgHbaRuleFormatterTests
{
    [Fact]
    public void Rule_is_written_in_initdb_columns()
    {
        var rule = new HbaRule
        {
            ConnectionType = HbaConnectionType.HostSsl,
            Databases = [HbaToken.Keyword("replication")],
            Users = [HbaToken.Name("replicator")],
            Address = HbaIpRange.FromCidr(IPAddress.Parse("10.0.1.0"), 24),
            Method = HbaAuthMethod.ScramSha256,
        };

        Assert.Equal("hostssl replication     replicator      10.0.1.0/24             scram-sha-256", PgHbaRuleFormatter.Format(rule));
    }

    [Fact]
    public void Local_rule_leaves_the_address_column_blank()
    {
        Assert.Equal("local   all             postgres                                peer",
            PgHbaRuleFormatter.Format(Rule("local all postgres peer")));
    }

    [Fact]
    public void Long_values_push_the_column_out_by_one_blank()
    {
        Assert.Equal("hostnogssenc all             all             10.0.0.0/8              md5",
            PgHbaRuleFormatter.Format(Rule("hostnogssenc all all 10.0.0.0/8 md5")));
    }

    [Fact]
    public void Options_follow_the_method()
    {
        Assert.Equal("hostssl all             all             10.0.0.0/8              cert            map=certs clientname=DN",
            PgHbaRuleFormatter.Format(Rule("hostssl all all 10.0.0.0/8 cert map=certs clientname=DN")));
    }

    [Fact]
    public void Rules_are_aligned_together()
    {
        var lines = PgHbaRuleFormatter.FormatAll(
        [
            Rule("local all all peer"),
            Rule("host all a_rather_long_user_name 10.0.0.0/8 scram-sha-256"),
        ]);

        Assert.Equal(
            ["local   all             all                                             peer",
             "host    all             a_rather_long_user_name 10.0.0.0/8              scram-sha-256"],
            lines);
    }

    [Fact]
    public void Names_that_would_read_as_keywords_groups_or_files_are_quoted()
    {
        var rule = new HbaRule
        {
            ConnectionType = HbaConnectionType.Host,
            Databases = [HbaToken.Name("all"), HbaToken.Name("my db"), HbaToken.Name("@odd")],
            Users = [HbaToken.Name("+plus"), HbaToken.Group("ops team"), HbaToken.Name("o\"brien")],
            Address = new HbaHostnameAddress("samenet"),
            Method = HbaAuthMethod.ScramSha256,
        };

        var line = PgHbaRuleFormatter.Format(rule);

        Assert.StartsWith("host    \"all\",\"my db\",\"@odd\" \"+plus\",+\"ops team\",\"o\"\"brien\" \"samenet\"", line);
        AssertRoundTrips(rule);
    }

    public static TheoryData<string> ParsedLines =>
    [
        "local all all peer",
        "local sameuser,samerole,\"@dbs.txt\" +admins,\"@users.txt\" scram-sha-256",
        "host replication replicator 10.0.1.0/24 scram-sha-256",
        "hostssl all all fd00::/64 cert clientcert=verify-full map=certs",
        "hostnossl app bob 192.168.0.0 255.255.0.0 md5",
        "hostgssenc all all .example.com gss include_realm=0 krb_realm=EXAMPLE.COM",
        "hostnogssenc all all samehost trust",
        "host all all all reject",
        "host \"replication\",\"my db\" \"all\",\"+x\" \"samenet\" scram-sha-256",
        "host all all 10.0.0.0/8 ldap ldapserver=ldap ldapbasedn=\"dc=example, dc=com\" ldapsearchfilter=\"(uid=$username)\"",
        "host all all 10.0.0.0/8 radius radiusservers=\"a,b\" radiussecrets=\"x,y\"",
        "host all \"dom\\\" 10.0.0.0/8 scram-sha-256",
    ];

    [Theory]
    [MemberData(nameof(ParsedLines))]
    public void Parsed_rules_round_trip(string line)
    {
        AssertRoundTrips(Rule(line));
    }

    private static void AssertRoundTrips(HbaRule rule)
    {
        var formatted = PgHbaRuleFormatter.Format(rule);
        var reparsed = Rule(formatted);

        Assert.Equal(rule.ConnectionType, reparsed.ConnectionType);
        Assert.Equal(rule.Databases, reparsed.Databases);
        Assert.Equal(rule.Users, reparsed.Users);
        Assert.Equal(rule.Address, reparsed.Address);
        Assert.Equal(rule.Method, reparsed.Method);
        Assert.Equal(rule.Options, reparsed.Options);
        Assert.Equal(formatted, PgHbaRuleFormatter.Format(reparsed));
    }
}
