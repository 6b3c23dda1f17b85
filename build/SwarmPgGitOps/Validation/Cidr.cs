using System.Net;

namespace SwarmPgGitOps.Validation;

public static class Cidr
{
    /// <summary>A network in CIDR form whose host bits are zero (10.0.0.0/24, not 10.0.0.1/24).</summary>
    public static bool IsNetwork(string text) =>
        IPNetwork.TryParse(text, out var network)
        && IPAddress.TryParse(text.Split('/')[0], out var address)
        && address.Equals(network.BaseAddress);
}
