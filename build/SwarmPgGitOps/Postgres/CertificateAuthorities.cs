using System.Security.Cryptography.X509Certificates;

namespace SwarmPgGitOps.Postgres;

/// <summary>
/// The CAs of secrets.postgres_tls_ca: one PEM certificate, or several (a bundle) while a new CA is brought in; a
/// certificate signed by any of them verifies, as libpq's sslrootcert does.
/// </summary>
public static class CertificateAuthorities
{
    public static X509Certificate2Collection FromPem(string pem)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPem(pem);
        if (authorities.Count == 0)
            throw new ArgumentException("secrets.postgres_tls_ca holds no PEM certificate", nameof(pem));
        return authorities;
    }

    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="authorities"/>, whatever the names it carries.</summary>
    /// <param name="anyDates">Its dates do not matter either (a certificate being replaced may have expired).</param>
    public static bool Signed(X509Certificate2 certificate, X509Certificate2Collection authorities, bool anyDates = false)
    {
        using var chain = Chain(authorities);
        if (anyDates)
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(certificate);
    }

    public static X509Chain Chain(X509Certificate2Collection authorities)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain;
    }

    public static string Subjects(X509Certificate2Collection authorities) => string.Join("; ", authorities.Select(a => a.Subject));
}
