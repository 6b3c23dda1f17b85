namespace SwarmPgGitOps.PgHba;

public enum HbaAuthMethod
{
    Trust,
    Reject,
    ScramSha256,
    Md5,
    Password,
    Gss,
    Sspi,
    Ident,
    Peer,
    Pam,
    Ldap,
    Radius,
    Cert,
}

public static class HbaAuthMethods
{
    private static readonly Dictionary<string, HbaAuthMethod> ByKeyword = new(StringComparer.Ordinal)
    {
        ["trust"] = HbaAuthMethod.Trust,
        ["reject"] = HbaAuthMethod.Reject,
        ["scram-sha-256"] = HbaAuthMethod.ScramSha256,
        ["md5"] = HbaAuthMethod.Md5,
        ["password"] = HbaAuthMethod.Password,
        ["gss"] = HbaAuthMethod.Gss,
        ["sspi"] = HbaAuthMethod.Sspi,
        ["ident"] = HbaAuthMethod.Ident,
        ["peer"] = HbaAuthMethod.Peer,
        ["pam"] = HbaAuthMethod.Pam,
        ["ldap"] = HbaAuthMethod.Ldap,
        ["radius"] = HbaAuthMethod.Radius,
        ["cert"] = HbaAuthMethod.Cert,
    };

    public static bool TryParse(string keyword, out HbaAuthMethod method) => ByKeyword.TryGetValue(keyword, out method);

    public static string Keyword(this HbaAuthMethod method) => ByKeyword.First(pair => pair.Value == method).Key;
}
