using System.Net;
using System.Net.Sockets;

namespace SwarmPgGitOps.PgHba;

public enum HbaAddressKeyword
{
    All,
    SameHost,
    SameNet,
}

public enum HbaMaskNotation
{
    Cidr,
    SeparateNetmask,
}

/// <summary>The address column of a network rule.</summary>
public abstract record HbaAddress
{
    /// <summary>True when the rule matches a client from anywhere.</summary>
    public abstract bool MatchesAnyAddress { get; }
}

public sealed record HbaKeywordAddress(HbaAddressKeyword Keyword) : HbaAddress
{
    public override bool MatchesAnyAddress => Keyword == HbaAddressKeyword.All;

    public string Text => Keyword switch
    {
        HbaAddressKeyword.All => "all",
        HbaAddressKeyword.SameHost => "samehost",
        _ => "samenet",
    };
}

/// <summary>A host name; a leading dot matches any host whose name ends with it.</summary>
public sealed record HbaHostnameAddress(string Hostname) : HbaAddress
{
    public bool IsSuffixMatch => Hostname.StartsWith('.');

    public override bool MatchesAnyAddress => false;
}

/// <summary>
/// An IP range. <see cref="PrefixLength"/> is null only for a separate netmask whose bits are not contiguous,
/// which PostgreSQL accepts as written.
/// </summary>
public sealed record HbaIpRange(IPAddress Address, IPAddress Mask, int? PrefixLength, HbaMaskNotation Notation) : HbaAddress
{
    public override bool MatchesAnyAddress => Mask.GetAddressBytes().All(part => part == 0);

    public AddressFamily Family => Address.AddressFamily;

    public static HbaIpRange FromCidr(IPAddress address, int prefixLength) =>
        new(address, MaskOf(address.AddressFamily, prefixLength), prefixLength, HbaMaskNotation.Cidr);

    public static HbaIpRange FromNetmask(IPAddress address, IPAddress mask) =>
        new(address, mask, PrefixLengthOf(mask), HbaMaskNotation.SeparateNetmask);

    /// <summary>True when every address this range matches is also matched by <paramref name="other"/>.</summary>
    public bool IsWithin(HbaIpRange other)
    {
        if (Family != other.Family || PrefixLength is not { } prefix || other.PrefixLength is not { } otherPrefix)
            return false;
        return otherPrefix <= prefix && Masked(Address, other.Mask).SequenceEqual(Masked(other.Address, other.Mask));
    }

    public static IPAddress MaskOf(AddressFamily family, int prefixLength)
    {
        var bytes = new byte[family == AddressFamily.InterNetwork ? 4 : 16];
        for (var i = 0; i < bytes.Length; i++)
        {
            var bits = Math.Clamp(prefixLength - i * 8, 0, 8);
            bytes[i] = (byte)(0xFF << (8 - bits));
        }
        return new IPAddress(bytes);
    }

    private static int? PrefixLengthOf(IPAddress mask)
    {
        var length = 0;
        var seenZero = false;
        foreach (var part in mask.GetAddressBytes())
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                var set = (part >> bit & 1) == 1;
                if (set && seenZero)
                    return null;
                if (set)
                    length++;
                else
                    seenZero = true;
            }
        }
        return length;
    }

    private static byte[] Masked(IPAddress address, IPAddress mask) =>
        address.GetAddressBytes().Zip(mask.GetAddressBytes(), (a, m) => (byte)(a & m)).ToArray();
}
