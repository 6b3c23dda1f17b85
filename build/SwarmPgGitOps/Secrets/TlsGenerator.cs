using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SwarmPgGitOps.Secrets;

/// <summary>The three PEM texts a stack's TLS servers need: the CA, the certificate and its key. ToString never shows them.</summary>
public sealed record TlsFiles(string Ca, string Certificate, string Key)
{
    public override string ToString() => "TlsFiles(***)";
}

/// <summary>
/// Makes a CA and one certificate for a stack's TLS servers (local environments only; production brings its own, README:
/// "Security model"): the certificate names every host clients use (DNS names and IP addresses), serves both ends (a
/// server presents it; pgBackRest also admits clients that present it), and is signed by a CA whose key is thrown away,
/// so nothing else can be signed by it.
/// </summary>
public static class TlsGenerator
{
    /// <summary>The common name of pgBackRest's certificate, which its TLS servers admit as a client.</summary>
    public const string BackupClientName = "swarm-pg-backup";

    /// <summary>The common name of the PostgreSQL members' certificate.</summary>
    public const string PostgresServerName = "swarm-pg-postgres";

    /// <summary>The names a certificate carries for verify-full: each host as an IP address or a DNS name.</summary>
    public static X509Extension SubjectAlternativeNames(IEnumerable<string> hosts)
    {
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts.Distinct(StringComparer.Ordinal))
        {
            if (IPAddress.TryParse(host, out var address))
                names.AddIpAddress(address);
            else
                names.AddDnsName(host);
        }
        return names.Build();
    }

    public static TlsFiles Generate(string commonName, IEnumerable<string> hosts, TimeProvider? time = null)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={commonName} CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(SubjectAlternativeNames(hosts));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var certificate = request.Create(ca, now.AddMinutes(-5), now.AddDays(825), RandomNumberGenerator.GetBytes(16));
        return new TlsFiles(ca.ExportCertificatePem() + "\n", certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }
}
