using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.PgHba;

namespace SwarmPgGitOps.Tests.PgHba;

internal static class HbaTestLines
{
    public const string HbaFile = "pg_hba.conf";

    public static HbaRule Rule(string line)
    {
        var document = PgHbaParser.ParseLine(line, HbaFile, 1);
        Assert.Empty(document.Errors);
        return Assert.Single(document.Rules);
    }

    public static Diagnostic Error(string line, int lineNumber = 1)
    {
        var document = PgHbaParser.ParseLine(line, HbaFile, lineNumber);
        Assert.Empty(document.Rules);
        var error = Assert.Single(document.Errors);
        Assert.Equal(Severity.Error, error.Severity);
        Assert.False(string.IsNullOrWhiteSpace(error.Hint));
        return error;
    }

    public static IReadOnlyList<string> Texts(IEnumerable<HbaToken> tokens) => tokens.Select(token => token.Text).ToList();
}
