using System.Text.Json;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Tests.Smoke;

public class SmokeOutputTests
{
    private static SmokeReport Report(params SmokeCheck[] checks) => new(
        "lab", "pg-lab", new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), TimeSpan.FromMilliseconds(123.46),
        [new PostgresTarget("primary", "pg-lab_primary", "192.168.77.11", 5432, "environment")],
        checks,
        [new CanaryArrival("replica1", TimeSpan.FromMilliseconds(4.2), TimeSpan.FromSeconds(0.004)), new CanaryArrival("replica2", null, null, "not connected")]);

    [Fact]
    public void Smoke_json_holds_every_check_the_duration_and_the_canary_times()
    {
        var report = Report(SmokeCheck.Pass("recovery", "primary", "false", "false"), SmokeCheck.Fail("slot", "primary→replica2", "missing", "active", "look here"));

        using var json = JsonDocument.Parse(SmokeOutput.ToJson(report));

        var root = json.RootElement;
        Assert.Equal("lab", root.GetProperty("environment").GetString());
        Assert.Equal(123.5, root.GetProperty("duration_ms").GetDouble());
        Assert.False(root.GetProperty("passed").GetBoolean());
        var failed = root.GetProperty("checks")[1];
        Assert.Equal("slot", failed.GetProperty("name").GetString());
        Assert.Equal("primary→replica2", failed.GetProperty("target").GetString());
        Assert.Equal("missing", failed.GetProperty("value").GetString());
        Assert.Equal("active", failed.GetProperty("threshold").GetString());
        Assert.False(failed.GetProperty("passed").GetBoolean());
        Assert.Equal("look here", failed.GetProperty("hint").GetString());
        Assert.Equal(4.2, root.GetProperty("canary")[0].GetProperty("round_trip_ms").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("canary")[1].GetProperty("round_trip_ms").ValueKind);
        Assert.Equal("192.168.77.11", root.GetProperty("targets")[0].GetProperty("host").GetString());
    }

    [Fact]
    public void The_markdown_summary_is_a_table_with_pipes_escaped()
    {
        var markdown = SmokeOutput.ToMarkdown(Report(SmokeCheck.Fail("hba.network_methods", "primary", "line 3: host trust", "a|b", "fix | it")));

        Assert.Contains("| Check | Target | Value | Threshold | Result |", markdown);
        Assert.Contains("| hba.network_methods | primary | line 3: host trust | a\\|b | ❌ FAIL: fix \\| it |", markdown);
        Assert.Contains("FAILED", markdown);
    }

    [Fact]
    public void The_summary_line_gives_the_total_time_and_the_round_trips()
    {
        var summary = SmokeOutput.Summary(Report(SmokeCheck.Pass("recovery", "primary", "false", "false")));

        Assert.Equal("smoke lab: passed, 1 checks in 123.5 ms; canary round trip replica1 4.2 ms, replica2 not seen", summary);
    }
}
