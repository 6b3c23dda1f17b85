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

    public static IPAddress? ParseNumeric(string text, Func<string, bool> isNetworkInterface)
    {
        // .NET also takes brackets and ports ("[::1]:5432") and blanks around the text, which getaddrinfo does not.
        if (text.Length == 0 || text.Any(c => c is '[' or ']' || c > '~' || CLibrary.IsSpace(c)))
            return null;
        var percent = text.IndexOf('%');
        var literal = percent < 0 ? text : text[..percent];
        if (!IPAddress.TryParse(literal, out var address))
            return null;
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !literal.Contains(':'))
            return null;
        if (percent < 0)
            return address;
        // Only an IPv6 address takes a zone ("fe80::1%eth0").
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || ZoneIndex(address, text[(percent + 1)..], isNetworkInterface) is not { } scope)
            return null;
        return new IPAddress(address.GetAddressBytes(), scope);
    }

    /// <summary>
    /// glibc's __inet6_scopeid_pton: the name of a network interface, only on link-local addresses (and node- or link-local
    /// multicast); otherwise a decimal number up to 2^32 - 1, on any address. Anything else makes the text a host name.
    /// </summary>
    private static long? ZoneIndex(IPAddress address, string zone, Func<string, bool> isNetworkInterface)
    {
        var bytes = address.GetAddressBytes();
        var multicastScope = bytes[0] == 0xFF ? bytes[1] & 0x0F : -1;
        if ((address.IsIPv6LinkLocal || multicastScope is 1 or 2) && zone.Length > 0 && isNetworkInterface(zone))
            return 0;
        if (zone.Length == 0 || !char.IsAsciiDigit(zone[0]))
            return null;
        return CLibrary.Strtoull(zone, out var end) is { } number && end == zone.Length && number <= uint.MaxValue ? (long)number : null;
    }

    /// <summary>Port of pg_sockaddr_cidr_mask's strtol check: optional blanks and sign, digits, nothing after.</summary>
    public static int? ParsePrefixLength(string text, AddressFamily family)
    {
        var trimmed = text.TrimStart(' ', '\t', '\n', '\r', '\v', '\f'); // C isspace
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
