using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Patroni;

/// <summary>
/// A rolling update of the members' certificate or CA (secrets.postgres_tls_*) keeps every member able to verify every
/// other one (replication and Patroni's checks are verify-full): a member already updated serves the new certificate to
/// members that still trust only the CA they run with, and verifies the certificate they still serve against the new CA.
/// So the new certificate must be signed by a CA the members trust now, and the current certificate by a CA of the new
/// secret. A new certificate from the same CA passes; a new CA comes in over three deploys (both CAs, then the new
/// certificate, then the new CA alone). What the members run with is read from a member's own secret files.
/// </summary>
public sealed class CertificateRotation(IContainerExec exec, StackContainerLocator locator, string newCaPem, string newCertificatePem)
{
    private const string Hint = "hint: bring a new CA in over three deploys: first secrets.postgres_tls_ca holding the current CA and the new one "
        + "(one PEM file, both certificates), then the new certificate and key, then the new CA alone; README: Security model";

    public static CertificateRotation? For(EnvironmentSpec spec, DockerSwarmApi docker, SecretValues secrets) =>
        PostgresTls.IsOn(spec) && secrets.PostgresTlsCa is { } ca && secrets.For(SecretValues.PostgresTlsCertKey) is { } certificate
            ? new(docker, new StackContainerLocator(docker, spec.Stack, StackContainerLocator.MemberRole), ca, certificate)
            : null;

    /// <summary>Whether a member's change gives it another CA or certificate file.</summary>
    public static bool Rotates(FieldChange change) =>
        MemberRollout.ChangesSecret(change, SecretValues.PostgresTlsCaKey) || MemberRollout.ChangesSecret(change, SecretValues.PostgresTlsCertKey);

    /// <summary>Throws when the rotation would leave members that cannot verify each other half-way through.</summary>
    public async Task CheckAsync(CancellationToken cancellation)
    {
        var container = await locator.FindAsync(cancellation);
        var liveCa = await ReadAsync(container, PostgresTls.CaFile, cancellation);
        var liveCertificate = await ReadAsync(container, PostgresTls.CertFile, cancellation);
        string? problem;
        try
        {
            problem = Problem(liveCa, liveCertificate, newCaPem, newCertificatePem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new PatroniRolloutException($"cannot read the TLS certificate or CA the members run with ({PostgresTls.CaFile}, {PostgresTls.CertFile} in "
                + $"{container.Service}) to check this deploy's rotation of them: {e.Message}; no service was changed");
        }
        if (problem is not null)
            throw new PatroniRolloutException($"this deploy changes the members' TLS certificate or CA in a way a rolling update cannot: {problem}; no service was changed ({Hint})");
    }

    /// <summary>What would break half-way through the rotation; null when every pair of members keeps verifying each other.</summary>
    /// <exception cref="CryptographicException">A PEM text is not a certificate.</exception>
    public static string? Problem(string liveCaPem, string liveCertificatePem, string newCaPem, string newCertificatePem)
    {
        var liveAuthorities = CertificateAuthorities.FromPem(liveCaPem);
        var newAuthorities = CertificateAuthorities.FromPem(newCaPem);
        try
        {
            using var newCertificate = X509Certificate2.CreateFromPem(newCertificatePem);
            using var liveCertificate = X509Certificate2.CreateFromPem(liveCertificatePem);
            if (!CertificateAuthorities.Signed(newCertificate, newAuthorities))
                return $"the new certificate ({newCertificate.Subject}, issued by {newCertificate.Issuer}, valid {Dates(newCertificate)}) does not verify against "
                    + $"the new secrets.postgres_tls_ca ({CertificateAuthorities.Subjects(newAuthorities)}) today: the members updated would refuse each other";
            if (!CertificateAuthorities.Signed(newCertificate, liveAuthorities))
                return $"the new certificate ({newCertificate.Subject}, issued by {newCertificate.Issuer}) is not signed by a CA the members trust now "
                    + $"({CertificateAuthorities.Subjects(liveAuthorities)}): the members not updated yet would refuse the first one updated";
            if (!CertificateAuthorities.Signed(liveCertificate, newAuthorities, anyDates: true))
                return $"the certificate the members serve now ({liveCertificate.Subject}, issued by {liveCertificate.Issuer}) is not signed by a CA of the new "
                    + $"secrets.postgres_tls_ca ({CertificateAuthorities.Subjects(newAuthorities)}): the first member updated would refuse the others";
            return null;
        }
        finally
        {
            foreach (var authority in liveAuthorities.Concat(newAuthorities))
                authority.Dispose();
        }
    }

    private static string Dates(X509Certificate2 certificate) =>
        $"{certificate.NotBefore.ToUniversalTime():yyyy-MM-dd} to {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}";

    private async Task<string> ReadAsync(StackContainer container, string file, CancellationToken cancellation)
    {
        var result = await exec.ExecAsync(container.ContainerId, ["cat", file], null, cancellation);
        if (result.ExitCode != 0 || result.Stdout.Length == 0)
            throw new PatroniRolloutException($"cannot read {file} in {container.Service} to check the rotation of the members' TLS certificate: "
                + ExecResult.LastLine(result.Stderr, result.Stdout));
        return result.Stdout;
    }
}
