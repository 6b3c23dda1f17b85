using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.PgHba;
using static SwarmPgGitOps.Tests.PgHba.HbaTestLines;

namespace SwarmPgGitOps.Tests.PgHba;

public class PgHbaOptionTests
{
    [Theory]
    [InlineData("hostssl all all 10.0.0.0/8 scram-sha-256 clientcert=verify-full")]
    [InlineData("hostssl all all 10.0.0.0/8 scram-sha-256 clientcert=verify-ca")]
    [InlineData("hostssl all all 10.0.0.0/8 cert clientcert=verify-full clientname=CN")]
    [InlineData("host all all 10.0.0.0/8 gss include_realm=0 krb_realm=EXAMPLE.COM map=krb")]
    [InlineData("host all all 10.0.0.0/8 ident map=ops")]
    [InlineData("local all all peer map=ops")]
    [InlineData("host all all 10.0.0.0/8 pam pamservice=postgresql pam_use_hostname=1")]
    [InlineData("host all all 10.0.0.0/8 ldap ldapurl=\"ldap://ldap.example.com/dc=example,dc=com?uid?sub\"")]
    [InlineData("host all all 10.0.0.0/8 ldap ldapserver=ldap ldapport=636 ldapscheme=ldaps ldapbasedn=dc=x ldapbinddn=cn=a ldapbindpasswd=p ldapsearchattribute=uid")]
    [InlineData("host all all 10.0.0.0/8 ldap ldapserver=ldap ldaptls=1 ldapprefix=uid= ldapsuffix=\",dc=x\"")]
    [InlineData("host all all 10.0.0.0/8 radius radiusservers=\"a, b\" radiussecrets=s radiusports=1812 radiusidentifiers=\"x,y\"")]
    public void Options_postgresql_accepts_are_accepted(string line)
    {
        Assert.NotEmpty(Rule(line).Options);
    }

    [Theory]
    [InlineData("host all all 10.0.0.0/8 scram-sha-256 extra", "authentication option not in name=value format: extra")]
    [InlineData("host all all 10.0.0.0/8 scram-sha-256 nosuch=1", "unrecognized authentication option name: \"nosuch\"")]
    [InlineData("host all all 10.0.0.0/8 scram-sha-256 =1", "unrecognized authentication option name: \"\"")]
    [InlineData("host all all 10.0.0.0/8 scram-sha-256 clientcert=verify-full", "clientcert can only be configured for \"hostssl\" rows")]
    [InlineData("hostssl all all 10.0.0.0/8 scram-sha-256 clientcert=1", "invalid value for clientcert: \"1\"")]
    [InlineData("hostssl all all 10.0.0.0/8 cert clientcert=verify-ca", "clientcert only accepts \"verify-full\" when using \"cert\" authentication")]
    [InlineData("host all all 10.0.0.0/8 cert clientname=CN", "cert authentication is only supported on hostssl connections")]
    [InlineData("hostnossl all all 10.0.0.0/8 scram-sha-256 clientname=CN", "clientname can only be configured for \"hostssl\" rows")]
    [InlineData("hostssl all all 10.0.0.0/8 cert clientname=cn", "invalid value for clientname: \"cn\"")]
    [InlineData("host all all 10.0.0.0/8 scram-sha-256 map=ops", "authentication option \"map\" is only valid for authentication methods ident, peer, gssapi, sspi, and cert")]
    [InlineData("host all all 10.0.0.0/8 scram-sha-256 include_realm=0", "authentication option \"include_realm\" is only valid for authentication methods gssapi and sspi")]
    [InlineData("host all all 10.0.0.0/8 scram-sha-256 krb_realm=X", "authentication option \"krb_realm\" is only valid for authentication methods gssapi and sspi")]
    [InlineData("host all all 10.0.0.0/8 gss compat_realm=1", "authentication option \"compat_realm\" is only valid for authentication methods sspi")]
    [InlineData("host all all 10.0.0.0/8 md5 pamservice=x", "authentication option \"pamservice\" is only valid for authentication methods pam")]
    [InlineData("host all all 10.0.0.0/8 md5 ldapserver=x", "authentication option \"ldapserver\" is only valid for authentication methods ldap")]
    [InlineData("host all all 10.0.0.0/8 md5 radiusservers=x", "authentication option \"radiusservers\" is only valid for authentication methods radius")]
    [InlineData("host all all 10.0.0.0/8 ldap ldapserver=x ldapbasedn=dc=x ldapport=abc", "invalid LDAP port number: \"abc\"")]
    [InlineData("host all all 10.0.0.0/8 ldap ldapurl=ldap.example.com", "could not parse LDAP URL \"ldap.example.com\"")]
    [InlineData("host all all 10.0.0.0/8 ldap ldapurl=ldapi://%2fsock/dc=x", "unsupported LDAP URL scheme: ldapi")]
    [InlineData("host all all 10.0.0.0/8 ldap ldapserver=x", "authentication method \"ldap\" requires argument \"ldapbasedn\", \"ldapprefix\", or \"ldapsuffix\" to be set")]
    [InlineData("host all all 10.0.0.0/8 ldap ldapserver=x ldapprefix=cn= ldapbasedn=dc=x", "cannot use ldapbasedn, ldapbinddn, ldapbindpasswd, ldapsearchattribute, ldapsearchfilter, or ldapurl together with ldapprefix")]
    [InlineData("host all all 10.0.0.0/8 ldap ldapserver=x ldapbasedn=dc=x ldapsearchattribute=uid ldapsearchfilter=(uid=$username)", "cannot use ldapsearchattribute together with ldapsearchfilter")]
    [InlineData("host all all 10.0.0.0/8 radius radiussecrets=s", "authentication method \"radius\" requires argument \"radiusservers\" to be set")]
    [InlineData("host all all 10.0.0.0/8 radius radiusservers=a", "authentication method \"radius\" requires argument \"radiussecrets\" to be set")]
    [InlineData("host all all 10.0.0.0/8 radius radiusservers=\"a,b,c\" radiussecrets=\"x,y\"", "the number of RADIUS secrets (2) must be 1 or the same as the number of RADIUS servers (3)")]
    [InlineData("host all all 10.0.0.0/8 radius radiusservers=a radiussecrets=s radiusports=\"1,2\"", "the number of RADIUS ports (2) must be 1 or the same as the number of RADIUS servers (1)")]
    [InlineData("host all all 10.0.0.0/8 radius radiusservers=a radiussecrets=s radiusports=x", "invalid RADIUS port number: \"x\"")]
    [InlineData("host all all 10.0.0.0/8 radius radiusservers=\"a,,b\" radiussecrets=s", "could not parse RADIUS server list \"a,,b\"")]
    public void Option_errors_match_postgresql(string line, string message)
    {
        Assert.Equal(message, Error(line).Message);
    }

    [Fact]
    public void Option_error_points_at_the_option()
    {
        var error = Error("host all all 10.0.0.0/8 scram-sha-256 map=ops");

        Assert.Equal(39, error.Column);
    }

    [Fact]
    public void Missing_ldap_argument_points_at_the_method()
    {
        Assert.Equal(25, Error("host all all 10.0.0.0/8 ldap ldapserver=x").Column);
    }

    [Fact]
    public void Unquoted_comma_splits_an_option_value_as_postgresql_does()
    {
        Assert.Equal("authentication option not in name=value format: b", Error("host all all 10.0.0.0/8 radius radiusservers=a,b radiussecrets=s").Message);
    }

    [Fact]
    public void Invalid_ldapscheme_is_only_a_warning_as_postgresql_only_logs_it()
    {
        var document = PgHbaParser.ParseLine("host all all 10.0.0.0/8 ldap ldapserver=x ldapbasedn=dc=x ldapscheme=ldapx", HbaFile, 1);

        Assert.Single(document.Rules);
        var warning = Assert.Single(document.Warnings);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal("invalid ldapscheme value: \"ldapx\"", warning.Message);
    }

    [Fact]
    public void Repeated_option_keeps_the_last_value()
    {
        Assert.Equal("b", Rule("local all all peer map=a map=b").Options["map"]);
    }
}
