namespace SwarmPgGitOps.PgHba;

public enum HbaConnectionType
{
    Local,
    Host,
    HostSsl,
    HostNoSsl,
    HostGssEnc,
    HostNoGssEnc,
}

public static class HbaConnectionTypes
{
    private static readonly Dictionary<string, HbaConnectionType> ByKeyword = new(StringComparer.Ordinal)
    {
        ["local"] = HbaConnectionType.Local,
        ["host"] = HbaConnectionType.Host,
        ["hostssl"] = HbaConnectionType.HostSsl,
        ["hostnossl"] = HbaConnectionType.HostNoSsl,
        ["hostgssenc"] = HbaConnectionType.HostGssEnc,
        ["hostnogssenc"] = HbaConnectionType.HostNoGssEnc,
    };

    public static bool TryParse(string keyword, out HbaConnectionType type) => ByKeyword.TryGetValue(keyword, out type);

    public static string Keyword(this HbaConnectionType type) => ByKeyword.First(pair => pair.Value == type).Key;

    /// <summary>Every type but <c>local</c> is reached over TCP/IP and carries an address column.</summary>
    public static bool IsNetwork(this HbaConnectionType type) => type != HbaConnectionType.Local;
}
