using System.Security.Cryptography.X509Certificates;
using Npgsql;

namespace SwarmPgGitOps.Postgres;

/// <summary>
/// verify-full against the environment's CA (secrets.postgres_tls_ca, or any CA of its bundle) rather than the machine's trust store: the
/// certificate chains to that CA, is within its dates and names the host connected to. Problems read as one line.
/// </summary>
public static class ServerCertificate
{
    /// <summary>What is wrong with the certificate <paramref name="host"/> presented; null when it verifies.</summary>
    public static string? Problem(X509Certificate2Collection authorities, string host, X509Certificate? presented)
    {
        if (presented is null)
            return "the server presented no TLS certificate";
        using var certificate = new X509Certificate2(presented);
        using var chain = CertificateAuthorities.Chain(authorities);
        if (!chain.Build(certificate))
        {
            var status = chain.ChainStatus.Select(s => s.Status).ToHashSet();
            if (status.Contains(X509ChainStatusFlags.NotTimeValid))
                return $"its TLS certificate ({certificate.Subject}) is valid from {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd} to {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}, not now";
            return $"its TLS certificate ({certificate.Subject}, issued by {certificate.Issuer}) is not signed by the environment's CA ({CertificateAuthorities.Subjects(authorities)}, secrets.postgres_tls_ca)";
        }
        // Checked against the host the pipeline meant, not the one TLS ran to: through the endpoint that is a loopback relay.
        if (!certificate.MatchesHostname(host))
            return $"its TLS certificate ({certificate.Subject}) does not name {host}; it names {string.Join(", ", Names(certificate))}";
        return null;
    }

    private static IEnumerable<string> Names(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e =>
            e.EnumerateDnsNames().Concat(e.EnumerateIPAddresses().Select(a => a.ToString()))).DefaultIfEmpty("no host");
}

/// <summary>A server whose TLS certificate did not verify: not transient, so connecting is not retried.</summary>
public sealed class ServerCertificateException(string message) : NpgsqlException(message);
