using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SwarmPgGitOps.Secrets;

/// <summary>The three PEM texts pgBackRest's TLS servers of a stack need. ToString never shows them.</summary>
public sealed record BackupTls(string Ca, string Certificate, string Key)
{
    public override string ToString() => "BackupTls(***)";
}

/// <summary>
/// Makes a CA and one certificate for a stack's pgBackRest TLS servers: the certificate names every host (the repository
/// service and the members), serves both ends (each server presents it, and admits clients that present it, common name
/// <see cref="ClientName"/>), and is signed by a CA whose key is thrown away, so nothing else can be signed by it.
/// </summary>
public static class BackupTlsGenerator
{
    public const string ClientName = "swarm-pg-backup";

    public static BackupTls Generate(IEnumerable<string> hosts, TimeProvider? time = null)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={ClientName} CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={ClientName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts.Distinct(StringComparer.Ordinal))
            names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var certificate = request.Create(ca, now.AddMinutes(-5), now.AddDays(825), RandomNumberGenerator.GetBytes(16));
        return new BackupTls(ca.ExportCertificatePem() + "\n", certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }
}
