using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.PgHba;

namespace SwarmPgGitOps.Tests.PgHba;

internal static class HbaTestLines
{
    public const string HbaFile = "pg_hba.conf";

    /// <summary>A server with ssl = on and no file beside pg_hba.conf: what most of these tests assume.</summary>
    public static readonly PgHbaServerSettings SslServer = new() { SslEnabled = true };

    public static HbaRule Rule(string line)
    {
        var document = PgHbaParser.ParseLine(line, HbaFile, 1, SslServer);
        Assert.Empty(document.Errors);
        return Assert.Single(document.Rules);
    }

    public static Diagnostic Error(string line, int lineNumber = 1)
    {
        var document = PgHbaParser.ParseLine(line, HbaFile, lineNumber, SslServer);
        Assert.Empty(document.Rules);
        var error = Assert.Single(document.Errors);
        Assert.Equal(Severity.Error, error.Severity);
        Assert.False(string.IsNullOrWhiteSpace(error.Hint));
        return error;
    }

    public static IReadOnlyList<string> Texts(IEnumerable<HbaToken> tokens) => tokens.Select(token => token.Text).ToList();
}
