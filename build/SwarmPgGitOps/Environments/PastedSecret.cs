
using SwarmPgGitOps.Secrets;

namespace SwarmPgGitOps.Environments;

/// <summary>
/// A value that may be a password pasted into the wrong place: messages say what is wrong with it but never show it.
/// That is any value under a password-like key (`secrets.superuser_password.env`), and any long random-looking one.
/// </summary>
public static partial class PastedSecret
{
    private const int RandomLookingLength = 16;

    /// <summary>The value quoted for a message, or a note that it is withheld.</summary>
    public static string Quote(string path, string value) =>
        LooksLike(path, value) ? "(value not shown: it may be a secret)" : $"'{value}'";

    public static bool LooksLike(string path, string value) => UnderSecretKey(path) || RandomLooking(value);

    /// <summary>Some key on the path names a secret: `superuser_password`, `ldapbindpasswd`, `secrets` (not `password_encryption`).</summary>
    public static bool UnderSecretKey(string path) => Redaction.IsSecretName(path);

    /// <summary>
    /// Long, without blanks, and switching often between upper case, lower case and digits: generated passwords and
    /// tokens do (about every second character), names, paths, addresses and image tags rarely do.
    /// </summary>
    public static bool RandomLooking(string value)
    {
        if (value.Length < RandomLookingLength || value.Any(char.IsWhiteSpace))
            return false;
        var switches = 0;
        for (var i = 1; i < value.Length; i++)
        {
            if (Kind(value[i - 1]) is { } before && Kind(value[i]) is { } after && before != after)
                switches++;
        }
        return switches * 4 >= value.Length - 1;
    }

    private static char? Kind(char c) =>
        char.IsAsciiDigit(c) ? 'd' : char.IsAsciiLetterUpper(c) ? 'u' : char.IsAsciiLetterLower(c) ? 'l' : null;
}
