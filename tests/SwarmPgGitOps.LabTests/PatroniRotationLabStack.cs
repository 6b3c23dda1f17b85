using System.Text.Json;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.TestSupport;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// The Patroni stack of the rotation and rollback tests (pg-hr, ports 5532-5534, subnet 10.213.0.0/24). Its members'
/// certificate comes from <see cref="Authority"/>, a CA whose key the tests keep, so that a test can renew it.
/// </summary>
public sealed class PatroniRotationLabStack() : PatroniLabStack("pg-hr", 5532, 213)
{
    public TestAuthority Authority { get; } = new("swarm-pg-gitops test CA");

    /// <summary>How many days the first certificate is valid: a renewed one is told apart by its expiry.</summary>
    public const int FirstCertificateDays = 825;

    protected override void BeforeFirstDeploy()
    {
        var (certificate, key) = Authority.Issue(PostgresTls.ServerNames(Environment.Spec), DateTimeOffset.UtcNow.AddDays(FirstCertificateDays));
        WriteTls(Authority.CaPem, certificate, key);
    }

    /// <summary>Puts the members' CA, certificate and key in the scratch project's kept secrets, for the next deploy.</summary>
    public void WriteTls(string ca, string certificate, string key)
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(SecretsFile))!;
        values[SecretValues.PostgresTlsCaKey] = ca;
        values[SecretValues.PostgresTlsCertKey] = certificate;
        values[SecretValues.PostgresTlsKeyKey] = key;
        File.WriteAllText(SecretsFile, JsonSerializer.Serialize(values));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Authority.Dispose();
    }
}
