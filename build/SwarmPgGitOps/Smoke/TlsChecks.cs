using System.Globalization;

namespace SwarmPgGitOps.Smoke;

/// <summary>
/// tls.certificate, per member the pipeline connected to over verified TLS: the certificate it presented expires no
/// sooner than smoke.min_certificate_days from now. A certificate that did not verify already failed the member's connect check.
/// </summary>
public static class TlsChecks
{
    public const string Name = "tls.certificate";

    public static IReadOnlyList<SmokeCheck> Evaluate(IEnumerable<(string Member, string Endpoint)> connected, IReadOnlyDictionary<string, DateTimeOffset> expiry,
        int minDays, DateTimeOffset now)
    {
        var threshold = $"valid for at least {minDays} more days";
        return connected.Select(c =>
        {
            if (!expiry.TryGetValue(c.Endpoint, out var notAfter))
                return SmokeCheck.Fail(Name, c.Member, "no verified certificate seen", threshold,
                    $"the connection to {c.Endpoint} did not present a certificate the pipeline verified: is ssl on in its patroni.yml?");
            var days = (int)Math.Floor((notAfter - now).TotalDays);
            var value = $"expires {notAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} (in {days} days)";
            return SmokeCheck.When(days >= minDays, Name, c.Member, value, threshold,
                "make a new certificate (README: Security model), give it as new postgres_tls_cert and postgres_tls_key secrets and Deploy: the members take it one at a time");
        }).ToList();
    }
}
