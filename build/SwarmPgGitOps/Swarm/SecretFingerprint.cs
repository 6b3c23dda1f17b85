using System.Security.Cryptography;
using System.Text;

namespace SwarmPgGitOps.Swarm;

/// <summary>
/// A slow, salted hash of a secret's value, kept as a label on the Swarm secret so a later deploy can tell that the
/// value changed without a version bump. Slow on purpose: anyone who can list secrets can read labels.
/// </summary>
public static class SecretFingerprint
{
    public static string Of(string secretName, string value) =>
        Convert.ToHexStringLower(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes("swarm-pg-gitops:" + secretName), 200_000, HashAlgorithmName.SHA256, 16));
}
