using System.Text.RegularExpressions;

namespace SwarmPgGitOps.Secrets;

/// <summary>
/// What a report may show of a value that can hold a secret. Env vars and container args are never shown (a password
/// added by hand as an env var would otherwise land in drift.json, a pull request or a CI log), nor settings whose name
/// marks them as secret. For env vars the names of the variables that differ are shown, never their values.
/// </summary>
public static partial class Redaction
{
    public const string Hidden = "(hidden)";

    /// <summary>The service fields (as <c>Swarm.ServiceFields</c> names them) whose values are never shown.</summary>
    public static bool IsSecretField(string field) => field is "env" or "args";

    /// <summary>
    /// A name that marks its value as secret: some part of it (split at '.' and '[') ends in password, passwd, secret,
    /// token, credential, api_key, private_key or passphrase(_command): `superuser_password`, `ldapbindpasswd`,
    /// `radiussecrets`, `app.api_token`; not `password_encryption`.
    /// </summary>
    public static bool IsSecretName(string name) => name.Split('.', '[').Any(SecretName().IsMatch);

    /// <summary>A pg_hba option or rule written out for a message, with the values of secret options masked.</summary>
    public static string MaskSecretOptions(string text) =>
        string.Join(' ', text.Split(' ').Select(token =>
            token.IndexOf('=') is > 0 and var equals && IsSecretName(token[..equals]) ? token[..(equals + 1)] + "***" : token));

    /// <summary>How two values of a secret field differ, without either value: "differs: FOO added, BAR changed".</summary>
    public static string DescribeDifference(string field, string desired, string live)
    {
        if (field != "env")
            return "differs";
        var want = Variables(desired);
        var have = Variables(live);
        var changes = have.Keys.Except(want.Keys).Order(StringComparer.Ordinal).Select(n => $"{n} added")
            .Concat(want.Keys.Intersect(have.Keys).Where(n => want[n] != have[n]).Order(StringComparer.Ordinal).Select(n => $"{n} changed"))
            .Concat(want.Keys.Except(have.Keys).Order(StringComparer.Ordinal).Select(n => $"{n} removed"))
            .ToList();
        return changes.Count == 0 ? "differs" : "differs: " + string.Join(", ", changes);
    }

    /// <summary>"NAME=value, NAME2=value" (as ServiceFields joins env) as a name → value map.</summary>
    private static Dictionary<string, string> Variables(string joined) =>
        joined.Split(", ", StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.Split('=', 2))
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join('\n', g.Select(p => p.Length > 1 ? p[1] : "")), StringComparer.Ordinal);

    [GeneratedRegex("(password|passwd|secret|token|credential|api_?key|private_?key|passphrase(_command)?)s?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();
}
