using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SwarmPgGitOps.TestSupport;

/// <summary>
/// A CA whose key the test keeps (the lab's generated CA throws its key away), so that it can issue certificates the way
/// an operator renews one: same CA, new certificate and key. Valid from three days ago; what it issues from two days ago,
/// so that a test can issue a certificate that has already expired.
/// </summary>
public sealed class TestAuthority : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _certificate;

    public TestAuthority(string name)
    {
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-3), DateTimeOffset.UtcNow.AddYears(5));
    }

    public string CaPem => _certificate.ExportCertificatePem() + "\n";

    /// <summary>A server certificate naming <paramref name="hosts"/>, valid until <paramref name="notAfter"/>, and its key, as PEM.</summary>
    public (string Certificate, string Key) Issue(IEnumerable<string> hosts, DateTimeOffset notAfter, string subject = "swarm-pg-postgres")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(Secrets.TlsGenerator.SubjectAlternativeNames(hosts));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = request.Create(_certificate, DateTimeOffset.UtcNow.AddDays(-2), notAfter, RandomNumberGenerator.GetBytes(16));
        return (issued.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
    }
}
