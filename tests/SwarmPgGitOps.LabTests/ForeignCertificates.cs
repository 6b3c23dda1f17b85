using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SwarmPgGitOps.LabTests;

/// <summary>TLS client certificate folders (ca.pem, cert.pem, key.pem) that the lab's CA did not issue.</summary>
public static class ForeignCertificates
{
    /// <summary>
    /// A client certificate from a CA of its own. The folder's ca.pem is that CA, unless <paramref name="trustedCaPem"/>
    /// is given (then the client trusts the real server but holds a certificate the server never issued).
    /// </summary>
    public static string ClientFolder(string? trustedCaPem = null)
    {
        var folder = Directory.CreateTempSubdirectory("spg-tls-").FullName;
        using var authorityKey = RSA.Create(2048);
        var authorityRequest = new CertificateRequest("CN=swarm-pg-gitops foreign CA", authorityKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var authority = authorityRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var clientKey = RSA.Create(2048);
        var clientRequest = new CertificateRequest("CN=foreign client", clientKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var client = clientRequest.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);
        File.WriteAllText(Path.Combine(folder, "ca.pem"), trustedCaPem ?? authority.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "cert.pem"), client.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "key.pem"), clientKey.ExportPkcs8PrivateKeyPem());
        return folder;
    }
}
