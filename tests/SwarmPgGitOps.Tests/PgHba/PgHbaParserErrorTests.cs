using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.PgHba;
using static SwarmPgGitOps.Tests.PgHba.HbaTestLines;

namespace SwarmPgGitOps.Tests.PgHba;

public class PgHbaParserErrorTests
{
    [Theory]
    [InlineData("hots all all 10.0.0.0/8 md5", 1, "invalid connection type \"hots\"")]
    [InlineData("host,local all all 10.0.0.0/8 md5", 6, "multiple values specified for connection type")]
    [InlineData("host", 5, "end-of-line before database specification")]
    [InlineData("local all", 10, "end-of-line before role specification")]
    [InlineData("host all all", 13, "end-of-line before IP address specification")]
    [InlineData("host all all 10.0.0.0/8", 24, "end-of-line before authentication method")]
    [InlineData("local all all", 14, "end-of-line before authentication method")]
    [InlineData("host all all 10.0.0.0/8,10.1.0.0/16 md5", 25, "multiple values specified for host address")]
    [InlineData("host all all 10.0.0.0/33 md5", 14, "invalid CIDR mask in address \"10.0.0.0/33\"")]
    [InlineData("host all all fd00::/129 md5", 14, "invalid CIDR mask in address \"fd00::/129\"")]
    [InlineData("host all all 10.0.0.0/-1 md5", 14, "invalid CIDR mask in address \"10.0.0.0/-1\"")]
    [InlineData("host all all 10.0.0.0/ md5", 14, "invalid CIDR mask in address \"10.0.0.0/\"")]
    [InlineData("host all all 10.0.0.0/8x md5", 14, "invalid CIDR mask in address \"10.0.0.0/8x\"")]
    [InlineData("host all all 10.0.0.300/8 md5", 14, "specifying both host name and CIDR mask is invalid: \"10.0.0.300/8\"")]
    [InlineData("host all all db.example.com/24 md5", 14, "specifying both host name and CIDR mask is invalid: \"db.example.com/24\"")]
    [InlineData("host all all 10.0.0.1 md5", 23, "invalid IP mask \"md5\": Name or service not known")]
    [InlineData("host all all 10.0.0.0", 22, "end-of-line before netmask specification")]
    [InlineData("host all all 10.0.0.0 255.0.0.0,255.255.0.0 md5", 33, "multiple values specified for netmask")]
    [InlineData("host all all 10.0.0.0 ffff:: md5", 23, "IP address and mask do not match")]
    [InlineData("host all all 10.0.0.0/8 md5,trust", 29, "multiple values specified for authentication type")]
    [InlineData("host all all 10.0.0.0/8 scram", 25, "invalid authentication method \"scram\"")]
    [InlineData("host all all 10.0.0.0/8 \"md5 \"", 25, "invalid authentication method \"md5 \"")]
    [InlineData("host all all 10.0.0.0/8 sspi", 25, "invalid authentication method \"sspi\": not supported by this build")]
    [InlineData("host all all 10.0.0.0/8 peer", 25, "peer authentication is only supported on local sockets")]
    [InlineData("local all all gss", 15, "gssapi authentication is not supported on local sockets")]
    [InlineData("host all all 10.0.0.0/8 cert", 25, "cert authentication is only supported on hostssl connections")]
    [InlineData("local all all cert", 15, "cert authentication is only supported on hostssl connections")]
    public void Record_errors_match_postgresql_with_the_offending_column(string line, int column, string message)
    {
        var error = Error(line);

        Assert.Equal(message, error.Message);
        Assert.Equal(1, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Equal(HbaFile, error.File);
    }

    [Fact]
    public void Token_longer_than_10239_bytes_is_refused()
    {
        var name = new string('d', 10240);

        var error = Error($"host {name} all 10.0.0.0/8 md5");

        Assert.Equal($"authentication file token too long, skipping: \"{name[..40]}...\" (more than 10239 bytes)", error.Message);
        Assert.Equal(6, error.Column);
    }

    [Fact]
    public void Token_of_exactly_10239_characters_is_accepted()
    {
        Assert.Equal(10239, Rule($"host {new string('d', 10239)} all 10.0.0.0/8 md5").Databases[0].Text.Length);
    }

    [Fact]
    public void Quoted_token_of_10239_characters_is_refused_at_its_closing_quote()
    {
        Assert.Contains("token too long", Error($"host \"{new string('d', 10239)}\" all 10.0.0.0/8 md5").Message);
    }

    [Fact]
    public void Every_bad_record_of_a_file_is_reported_and_good_ones_still_parsed()
    {
        const string text = """
            local all all peer
            host all all 10.0.0.0/33 scram-sha-256
            # fine
            host all all 10.0.0.0/8 nope
            hostssl all all 10.0.0.0/8 scram-sha-256
            """;

        var document = PgHbaParser.Parse(text, HbaFile, SslServer);

        Assert.False(document.IsValid);
        Assert.Equal(
            ["pg_hba.conf:2:14: invalid CIDR mask in address \"10.0.0.0/33\"", "pg_hba.conf:4:25: invalid authentication method \"nope\""],
            document.Errors.Select(error => $"{error.File}:{error.Line}:{error.Column}: {error.Message}"));
        Assert.Equal([1, 5], document.Rules.Select(rule => rule.Line));
    }

    [Fact]
    public void File_without_any_rule_is_refused()
    {
        var document = PgHbaParser.Parse("# nothing here\n\n", HbaFile, SslServer);

        var error = Assert.Single(document.Errors);
        Assert.Equal("configuration file \"pg_hba.conf\" contains no entries", error.Message);
        Assert.Equal(0, error.Line);
    }

    [Fact]
    public void Blank_line_given_to_parse_line_is_neither_rule_nor_error()
    {
        var document = PgHbaParser.ParseLine("   # just a comment", HbaFile, 7);

        Assert.Empty(document.Rules);
        Assert.Empty(document.Errors);
    }

    [Fact]
    public void Parse_line_reports_the_given_line_number()
    {
        Assert.Equal(42, Error("host all all 10.0.0.0/8 nope", 42).Line);
    }
}
