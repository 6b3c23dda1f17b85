using System.Security.Cryptography;
using System.Text;

namespace SwarmPgGitOps.Rendering;

public static class ContentHash
{
    public static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    /// <summary>The short form used in Swarm object names: configs are immutable, so a new content needs a new name.</summary>
    public static string Short(string content) => Sha256(content)[..10];
}
