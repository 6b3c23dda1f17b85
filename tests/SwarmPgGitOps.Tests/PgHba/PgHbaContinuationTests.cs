using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.PgHba;
using static SwarmPgGitOps.Tests.PgHba.HbaTestLines;

namespace SwarmPgGitOps.Tests.PgHba;

/// <summary>PostgreSQL 15 joins a line ending in a backslash with the next (hba.c tokenize_auth_file).</summary>
public class PgHbaContinuationTests
{
    [Fact]
    public void Trailing_backslash_continues_the_record_on_the_next_line()
    {
        var document = PgHbaParser.Parse("host all all \\\n  10.0.0.0/8 scram-sha-256\nlocal all all peer\n", HbaFile, SslServer);

        Assert.Empty(document.Errors);
        Assert.Equal(2, document.Rules.Count);
        var rule = document.Rules[0];
        Assert.Equal(1, rule.Line);
        Assert.Equal("host all all   10.0.0.0/8 scram-sha-256", rule.RawLine);
        Assert.Equal(new HbaPosition(2, 3), rule.Location!.Address);
        Assert.Equal(3, document.Rules[1].Line);
    }

    [Fact]
    public void Continuation_adds_no_blank_so_a_word_can_be_split()
    {
        var rule = Assert.Single(PgHbaParser.Parse("host all all 10.0.0.0/8 scram-\\\nsha-256\n", HbaFile, SslServer).Rules);

        Assert.Equal(HbaAuthMethod.ScramSha256, rule.Method);
    }

    [Fact]
    public void Errors_in_a_continued_record_point_at_the_physical_line()
    {
        var error = Assert.Single(PgHbaParser.Parse("host all all \\\n10.0.0.0/8 \\\n  nope\n", HbaFile, SslServer).Errors);

        Assert.Equal("invalid authentication method \"nope\"", error.Message);
        Assert.Equal(3, error.Line);
        Assert.Equal(3, error.Column);
    }

    [Fact]
    public void Comment_ending_in_backslash_swallows_the_next_line_with_a_warning()
    {
        var document = PgHbaParser.Parse("# old rule \\\nhost all all 10.0.0.0/8 trust\nlocal all all peer\n", HbaFile, SslServer);

        Assert.Equal([3], document.Rules.Select(rule => rule.Line));
        var warning = Assert.Single(document.Warnings);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal(2, warning.Line);
        Assert.Equal("line 2 is part of the comment on line 1, which ends in a backslash", warning.Message);
    }

    [Fact]
    public void Backslash_on_the_last_line_is_dropped()
    {
        Assert.Equal(HbaAuthMethod.Peer, Assert.Single(PgHbaParser.Parse("local all all peer\\", HbaFile, SslServer).Rules).Method);
    }

    [Fact]
    public void Backslash_inside_a_line_is_an_ordinary_character()
    {
        Assert.Equal(["dom\\user"], Texts(Rule("host all dom\\user 10.0.0.0/8 scram-sha-256").Users));
    }
}
