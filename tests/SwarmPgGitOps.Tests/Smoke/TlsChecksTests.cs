using SwarmPgGitOps.Smoke;

namespace SwarmPgGitOps.Tests.Smoke;

public sealed class TlsChecksTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_certificate_valid_beyond_the_window_passes_and_one_expiring_within_it_fails_with_its_date()
    {
        var expiry = new Dictionary<string, DateTimeOffset> { ["10.0.0.1:5432"] = Now.AddDays(400), ["10.0.0.2:5432"] = Now.AddDays(12.5) };

        var checks = TlsChecks.Evaluate([("pg1", "10.0.0.1:5432"), ("pg2", "10.0.0.2:5432")], expiry, 30, Now);

        Assert.Equal([true, false], checks.Select(c => c.Passed));
        Assert.Equal("expires 2028-01-05 (in 400 days)", checks[0].Value);
        Assert.Equal(("tls.certificate", "pg2", "expires 2026-12-14 (in 12 days)", "valid for at least 30 more days"), (checks[1].Name, checks[1].Target, checks[1].Value, checks[1].Threshold));
        Assert.Contains("postgres_tls_cert", checks[1].Hint);
    }

    [Fact]
    public void A_member_whose_connection_presented_no_verified_certificate_fails()
    {
        var check = Assert.Single(TlsChecks.Evaluate([("pg3", "10.0.0.3:5432")], new Dictionary<string, DateTimeOffset>(), 30, Now));

        Assert.False(check.Passed);
        Assert.Equal("no verified certificate seen", check.Value);
    }
}
