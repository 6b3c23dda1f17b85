using System.Security.Cryptography;
using System.Text;

namespace SwarmPgGitOps.Postgres;

/// <summary>
/// The SCRAM-SHA-256 verifier PostgreSQL stores for a password (pg_authid.rolpassword), computed here so that ALTER ROLE
/// carries the verifier, never the password: the server stores it as given, and no statement or log line holds the password.
/// </summary>
public static class ScramVerifier
{
    public const int Iterations = 4096;
    private const int SaltBytes = 16;

    public static string Compute(string password) => Compute(password, RandomNumberGenerator.GetBytes(SaltBytes), Iterations);

    /// <remarks>The password is normalised as SASLprep does for the passwords this project generates and most typed ones (NFKC).</remarks>
    public static string Compute(string password, byte[] salt, int iterations)
    {
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC)), salt, iterations, HashAlgorithmName.SHA256, 32);
        var storedKey = SHA256.HashData(HMACSHA256.HashData(salted, "Client Key"u8));
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
