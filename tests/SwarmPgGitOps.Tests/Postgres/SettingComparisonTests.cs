using SwarmPgGitOps.Postgres;

namespace SwarmPgGitOps.Tests.Postgres;

public class SettingComparisonTests
{
    [Theory]
    [InlineData("1GB", "1024", "MB", "integer", true)]
    [InlineData("1024MB", "1024", "MB", "integer", true)]
    [InlineData("2GB", "1024", "MB", "integer", false)]
    [InlineData("1024", "1024", "MB", "integer", true)]
    [InlineData("-1", "-1", "MB", "integer", true)]
    [InlineData("64MB", "8192", "8kB", "integer", true)]
    [InlineData("128MB", "8192", "8kB", "integer", false)]
    [InlineData("30s", "30000", "ms", "integer", true)]
    [InlineData("1min", "60", "s", "integer", true)]
    [InlineData("10", "10", null, "integer", true)]
    [InlineData("10", "12", null, "integer", false)]
    [InlineData("0.9", "0.9", null, "real", true)]
    [InlineData("on", "on", null, "bool", true)]
    [InlineData("true", "on", null, "bool", true)]
    [InlineData("off", "on", null, "bool", false)]
    [InlineData("Replica", "replica", null, "enum", true)]
    [InlineData("logical", "replica", null, "enum", false)]
    [InlineData("scram-sha-256", "scram-sha-256", null, "enum", true)]
    [InlineData("ANY 1 (replica1)", "ANY 1 (replica1)", null, "string", true)]
    [InlineData("", "", null, "string", true)]
    [InlineData("ANY 1 (replica1)", "", null, "string", false)]
    [InlineData("10MB", "10", null, "integer", false)]
    public void The_written_value_is_read_as_PostgreSQL_reads_it(string expected, string setting, string? unit, string varType, bool matches)
    {
        Assert.Equal(matches, SettingComparison.Matches(expected, new SettingRow("x", setting, unit, varType, setting)));
    }

    [Theory]
    [InlineData("on", true)]
    [InlineData("YES", true)]
    [InlineData("t", true)]
    [InlineData("1", true)]
    [InlineData("off", false)]
    [InlineData("no", false)]
    [InlineData("f", false)]
    [InlineData("0", false)]
    [InlineData("o", null)]
    [InlineData("maybe", null)]
    public void Booleans_follow_parse_bool(string text, bool? value)
    {
        Assert.Equal(value, SettingComparison.ParseBool(text));
    }
}
