using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SwarmPgGitOps.PgHba;

/// <summary>
/// Reads IP addresses the way PostgreSQL does through getaddrinfo(AI_NUMERICHOST): a string that is not a
/// numeric address is not an error there, it is a host name.
/// </summary>
internal static class HbaAddressParser
{
    public const string NotNumericReason = "Name or service not known";

    public static IPAddress? ParseNumeric(string text)
    {
        // .NET also takes brackets and ports ("[::1]:5432"), which getaddrinfo does not.
        if (text.Length == 0 || text.Contains('[') || text.Contains(']') || text.Any(char.IsWhiteSpace))
            return null;
        if (!IPAddress.TryParse(text, out var address))
            return null;
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !text.Contains(':'))
            return null;
        if (text.IndexOf('%') is var percent and >= 0 && !IsKnownScope(text[(percent + 1)..]))
            return null;
        return address;
    }

    /// <summary>
    /// A zone in "fe80::1%zone": getaddrinfo takes a number, or the name of a network interface of the machine it runs on;
    /// any other name makes the text a host name. This checks the interfaces of the machine running the check, which
    /// is the server's own machine only when the two are the same.
    /// </summary>
    private static bool IsKnownScope(string zone)
    {
        if (zone.Length > 0 && zone.All(char.IsAsciiDigit))
            return true;
        try
        {
            return zone.Length > 0 && System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Any(n => n.Name == zone);
        }
        catch (System.Net.NetworkInformation.NetworkInformationException)
        {
            return false;
        }
    }

    /// <summary>Port of pg_sockaddr_cidr_mask's strtol check: optional blanks and sign, digits, nothing after.</summary>
    public static int? ParsePrefixLength(string text, AddressFamily family)
    {
        var trimmed = text.TrimStart(' ', '\t', '\n', '\r', '\v', '\f');
        if (text.Length == 0 || trimmed.Length == 0)
            return null;
        var digits = trimmed[0] is '+' or '-' ? trimmed[1..] : trimmed;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
            return null;
        if (!long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bits))
            return null;
        var maximum = family == AddressFamily.InterNetwork ? 32 : 128;
        return bits is >= 0 && bits <= maximum ? (int)bits : null;
    }
}
