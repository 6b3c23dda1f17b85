using System.Net;
using SwarmPgGitOps.PgHba;
using static SwarmPgGitOps.Tests.PgHba.HbaTestLines;

namespace SwarmPgGitOps.Tests.PgHba;

public class PgHbaParserValidTests
{
    [Fact]
    public void Local_rule_has_no_address()
    {
        var rule = Rule("local   all             postgres                                peer");

        Assert.Equal(HbaConnectionType.Local, rule.ConnectionType);
        Assert.Equal(["all"], Texts(rule.Databases));
        Assert.True(rule.Databases[0].IsKeyword("all"));
        Assert.Equal(["postgres"], Texts(rule.Users));
        Assert.Null(rule.Address);
        Assert.Equal(HbaAuthMethod.Peer, rule.Method);
        Assert.Empty(rule.Options);
        Assert.Equal(1, rule.Line);
    }

    [Theory]
    [InlineData("host", HbaConnectionType.Host)]
    [InlineData("hostssl", HbaConnectionType.HostSsl)]
    [InlineData("hostnossl", HbaConnectionType.HostNoSsl)]
    [InlineData("hostgssenc", HbaConnectionType.HostGssEnc)]
    [InlineData("hostnogssenc", HbaConnectionType.HostNoGssEnc)]
    public void Every_network_connection_type_is_read(string keyword, HbaConnectionType expected)
    {
        var rule = Rule($"{keyword} app appuser 10.0.0.0/8 scram-sha-256");

        Assert.Equal(expected, rule.ConnectionType);
        Assert.True(rule.IsNetwork);
        var range = Assert.IsType<HbaIpRange>(rule.Address);
        Assert.Equal(IPAddress.Parse("10.0.0.0"), range.Address);
        Assert.Equal(8, range.PrefixLength);
        Assert.Equal(IPAddress.Parse("255.0.0.0"), range.Mask);
    }

    [Theory]
    [InlineData("trust", HbaAuthMethod.Trust)]
    [InlineData("reject", HbaAuthMethod.Reject)]
    [InlineData("scram-sha-256", HbaAuthMethod.ScramSha256)]
    [InlineData("md5", HbaAuthMethod.Md5)]
    [InlineData("password", HbaAuthMethod.Password)]
    [InlineData("gss", HbaAuthMethod.Gss)]
    [InlineData("ident", HbaAuthMethod.Ident)]
    [InlineData("pam", HbaAuthMethod.Pam)]
    [InlineData("ldap ldapserver=ldap.example.com ldapprefix=cn= ldapsuffix=\",dc=example\"", HbaAuthMethod.Ldap)]
    [InlineData("radius radiusservers=10.0.0.9 radiussecrets=s3cret", HbaAuthMethod.Radius)]
    public void Every_method_available_on_host_rules_is_read(string method, HbaAuthMethod expected)
    {
        Assert.Equal(expected, Rule($"host all all 10.0.0.0/8 {method}").Method);
    }

    [Fact]
    public void Cert_is_read_on_hostssl()
    {
        Assert.Equal(HbaAuthMethod.Cert, Rule("hostssl all all 10.0.0.0/8 cert").Method);
    }

    [Fact]
    public void Ident_on_a_local_rule_becomes_peer_as_in_postgresql()
    {
        Assert.Equal(HbaAuthMethod.Peer, Rule("local all all ident map=os").Method);
    }

    [Fact]
    public void Ident_is_allowed_on_host_rules()
    {
        Assert.Equal(HbaAuthMethod.Ident, Rule("host all all 10.0.0.0/8 ident").Method);
    }

    [Fact]
    public void Ipv6_cidr_is_read()
    {
        var range = Assert.IsType<HbaIpRange>(Rule("host all all fd00::/64 scram-sha-256").Address);

        Assert.Equal(IPAddress.Parse("fd00::"), range.Address);
        Assert.Equal(64, range.PrefixLength);
        Assert.Equal(HbaMaskNotation.Cidr, range.Notation);
    }

    [Fact]
    public void Address_without_prefix_takes_the_netmask_column()
    {
        var rule = Rule("host all all 192.168.1.0 255.255.255.0 scram-sha-256");

        var range = Assert.IsType<HbaIpRange>(rule.Address);
        Assert.Equal(HbaMaskNotation.SeparateNetmask, range.Notation);
        Assert.Equal(24, range.PrefixLength);
        Assert.Equal(HbaAuthMethod.ScramSha256, rule.Method);
    }

    [Fact]
    public void Non_contiguous_netmask_is_accepted_without_a_prefix_length()
    {
        var range = Assert.IsType<HbaIpRange>(Rule("host all all 10.0.0.0 255.0.255.0 scram-sha-256").Address);

        Assert.Null(range.PrefixLength);
    }

    [Fact]
    public void Host_bits_beyond_the_prefix_are_accepted()
    {
        Assert.Equal(24, Assert.IsType<HbaIpRange>(Rule("host all all 10.0.0.7/24 scram-sha-256").Address).PrefixLength);
    }

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("::/0")]
    [InlineData("0.0.0.0 0.0.0.0")]
    [InlineData("all")]
    public void Any_address_forms_are_recognised(string address)
    {
        Assert.True(Rule($"host all all {address} scram-sha-256").Address!.MatchesAnyAddress);
    }

    [Theory]
    [InlineData("samehost", HbaAddressKeyword.SameHost)]
    [InlineData("samenet", HbaAddressKeyword.SameNet)]
    [InlineData("all", HbaAddressKeyword.All)]
    public void Address_keywords_are_read(string keyword, HbaAddressKeyword expected)
    {
        Assert.Equal(expected, Assert.IsType<HbaKeywordAddress>(Rule($"host all all {keyword} scram-sha-256").Address).Keyword);
    }

    [Fact]
    public void Quoted_address_keyword_is_a_host_name()
    {
        var host = Assert.IsType<HbaHostnameAddress>(Rule("host all all \"samenet\" scram-sha-256").Address);

        Assert.Equal("samenet", host.Hostname);
    }

    [Fact]
    public void Host_names_and_suffix_matches_are_read()
    {
        var exact = Assert.IsType<HbaHostnameAddress>(Rule("host all all db.example.com scram-sha-256").Address);
        var suffix = Assert.IsType<HbaHostnameAddress>(Rule("host all all .example.com scram-sha-256").Address);

        Assert.False(exact.IsSuffixMatch);
        Assert.True(suffix.IsSuffixMatch);
        Assert.Equal(".example.com", suffix.Hostname);
    }

    [Fact]
    public void Comma_lists_groups_and_keywords_are_kept_apart()
    {
        var rule = Rule("host sameuser,samerole,app +admins,alice,\"all\" 10.0.0.0/8 scram-sha-256");

        Assert.Equal(["sameuser", "samerole", "app"], Texts(rule.Databases));
        Assert.True(rule.Databases[0].IsKeyword("sameuser"));
        Assert.True(rule.Databases[1].IsKeyword("samerole"));
        Assert.True(rule.Users[0].IsGroup);
        Assert.False(rule.Users[1].IsGroup);
        Assert.Equal("all", rule.Users[2].Text);
        Assert.False(rule.Users[2].IsKeyword("all"));
    }

    [Fact]
    public void A_comma_joins_the_next_token_into_the_field_even_after_blanks()
    {
        var rule = Rule("host app, reports alice 10.0.0.0/8 scram-sha-256");

        Assert.Equal(["app", "reports"], Texts(rule.Databases));
        Assert.Equal(["alice"], Texts(rule.Users));
    }

    [Fact]
    public void Quotes_protect_blanks_commas_and_hashes_and_double_quote_is_a_quote()
    {
        var rule = Rule("host \"my db\",\"a,b\" \"o\"\"brien\",\"#x\" 10.0.0.0/8 scram-sha-256");

        Assert.Equal(["my db", "a,b"], Texts(rule.Databases));
        Assert.Equal(["o\"brien", "#x"], Texts(rule.Users));
        Assert.All(rule.Users, user => Assert.True(user.IsQuoted));
    }

    [Fact]
    public void Quoted_replication_is_a_database_name()
    {
        var rule = Rule("host \"replication\" replicator 10.0.0.0/8 scram-sha-256");

        Assert.False(rule.Databases[0].IsKeyword("replication"));
    }

    [Fact]
    public void Quoted_group_prefix_is_a_plain_name_but_quote_after_the_plus_keeps_the_group()
    {
        var rule = Rule("host all \"+admins\",+\"ops team\" 10.0.0.0/8 scram-sha-256");

        Assert.False(rule.Users[0].IsGroup);
        Assert.True(rule.Users[1].IsGroup);
        Assert.Equal("+ops team", rule.Users[1].Text);
    }

    [Fact]
    public void Quoted_at_sign_is_a_name_not_an_inclusion()
    {
        var rule = Rule("host \"@dbs\" all 10.0.0.0/8 scram-sha-256");

        Assert.False(rule.Databases[0].IsInclusion);
    }

    [Fact]
    public void Options_are_read_in_order()
    {
        var rule = Rule("hostssl all all 10.0.0.0/8 cert map=certmap clientname=DN");

        Assert.Equal(["map", "clientname"], rule.Options.Keys);
        Assert.Equal("certmap", rule.Options["map"]);
        Assert.Equal("DN", rule.Options["clientname"]);
    }

    [Fact]
    public void Quoted_option_values_may_hold_blanks_and_commas()
    {
        var rule = Rule("host all all 10.0.0.0/8 ldap ldapserver=ldap ldapbasedn=\"dc=example, dc=com\" ldapsearchfilter=\"(uid=$username)\"");

        Assert.Equal("dc=example, dc=com", rule.Options["ldapbasedn"]);
        Assert.Equal("(uid=$username)", rule.Options["ldapsearchfilter"]);
    }

    [Fact]
    public void Comments_and_blank_lines_are_skipped_and_line_numbers_kept()
    {
        const string text = """
            # TYPE  DATABASE  USER  ADDRESS  METHOD

            local   all       all            peer   # trailing comment
               	
            host    all       all   10.0.0.0/8 scram-sha-256#no blank needed
            """;

        var document = PgHbaParser.Parse(text, HbaFile, SslServer);

        Assert.Empty(document.Errors);
        Assert.Equal([3, 5], document.Rules.Select(rule => rule.Line));
        Assert.Equal(HbaAuthMethod.ScramSha256, document.Rules[1].Method);
    }

    [Fact]
    public void Crlf_line_endings_are_accepted()
    {
        var document = PgHbaParser.Parse("local all all peer\r\nhost all all 10.0.0.0/8 scram-sha-256\r\n", HbaFile, SslServer);

        Assert.Empty(document.Errors);
        Assert.Equal(2, document.Rules.Count);
    }

    [Fact]
    public void Positions_of_fields_are_recorded()
    {
        var location = Rule("  host  app  bob  10.0.0.0/8  md5").Location!;

        Assert.Equal(new HbaPosition(1, 3), location.ConnectionType);
        Assert.Equal(new HbaPosition(1, 9), location.Databases);
        Assert.Equal(new HbaPosition(1, 14), location.Users);
        Assert.Equal(new HbaPosition(1, 19), location.Address);
        Assert.Equal(new HbaPosition(1, 31), location.Method);
    }

    [Fact]
    public void Legacy_ipv4_shorthand_is_an_address_as_with_getaddrinfo()
    {
        var range = Assert.IsType<HbaIpRange>(Rule("host all all 10.1/16 scram-sha-256").Address);

        Assert.Equal(IPAddress.Parse("10.0.0.1"), range.Address);
    }

    [Fact]
    public void Address_that_is_not_numeric_is_a_host_name_as_in_postgresql()
    {
        Assert.IsType<HbaHostnameAddress>(Rule("host all all 10.0.0.300 scram-sha-256").Address);
    }

    [Fact]
    public void Only_a_quote_before_the_first_character_strips_keyword_meaning()
    {
        var rule = Rule("host al\"l\" \"\"all 10.0.0.0/8 scram-sha-256");

        Assert.True(rule.Databases[0].IsKeyword("all"));
        Assert.False(rule.Users[0].IsKeyword("all"));
        Assert.Equal("all", rule.Users[0].Text);
    }

    [Fact]
    public void Quoted_connection_type_and_method_still_count_as_in_hba_c()
    {
        var rule = Rule("\"host\" all all 10.0.0.0/8 \"scram-sha-256\"");

        Assert.Equal(HbaConnectionType.Host, rule.ConnectionType);
        Assert.Equal(HbaAuthMethod.ScramSha256, rule.Method);
    }
}
