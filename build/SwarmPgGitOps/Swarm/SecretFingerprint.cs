using System.Security.Cryptography;
using System.Text;

namespace SwarmPgGitOps.Swarm;

/// <summary>
/// A slow, salted hash of a secret's value, part of the Swarm secret's name so that a new value gets a new name.
/// Slow on purpose: anyone who can list secrets can read names.
/// </summary>
public static class SecretFingerprint
{
    public static string Of(string secretName, string value) =>
        Convert.ToHexStringLower(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes("swarm-pg-gitops:" + secretName), 200_000, HashAlgorithmName.SHA256, 16));
}
