using System.Text.RegularExpressions;

namespace SwarmPgGitOps.Validation;

/// <summary>
/// A Docker image reference read by the grammar of distribution/reference, the one the Docker CLI and engine use:
/// `[registry-host[:port]/]path[:tag][@algorithm:hex]`. A problem names the part that is wrong, never the whole
/// reference (a digest is long and random-looking, and the part is what the user must change).
/// </summary>
public sealed partial record ImageReference(string? Registry, string Repository, string? Tag, string? Digest)
{
    private const int MaxNameLength = 255;

    // The digest algorithms the registry API defines, with the length of their hex encoding (go-digest).
    private static readonly Dictionary<string, int> DigestLengths = new(StringComparer.Ordinal)
    {
        ["sha256"] = 64,
        ["sha384"] = 96,
        ["sha512"] = 128,
    };

    /// <summary>Reads a reference; null when it is valid, otherwise what is wrong with it.</summary>
    public static ImageReferenceProblem? Check(string text, out ImageReference? reference)
    {
        reference = null;
        if (Interpolation().Match(text) is { Success: true } variable)
            return new($"uses {variable.Value}, but environment files are not interpolated: the text is taken as it is",
                "write the image reference itself, such as postgres:15.10-bookworm");
        if (text.Any(char.IsWhiteSpace))
            return new("contains a blank", "an image reference has no spaces: write it like postgres:15.10-bookworm");

        string? digest = null;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = text[(at + 1)..];
            text = text[..at];
            if (CheckDigest(digest) is { } digestProblem)
                return digestProblem;
        }

        string? tag = null;
        var colon = text.LastIndexOf(':');
        if (colon > text.LastIndexOf('/'))
        {
            tag = text[(colon + 1)..];
            text = text[..colon];
            if (tag.Length == 0)
                return new($"has an empty tag: nothing follows the ':' after '{text}'",
                    "write the tag after ':', such as postgres:15.10-bookworm, or remove the ':'");
            if (!TagPattern().IsMatch(tag))
                return new($"tag '{tag}' is not a valid tag",
                    "a tag is 1 to 128 letters, digits, '_', '.' and '-', and starts with a letter, digit or '_'");
        }

        if (text.Length == 0)
            return new("has no repository name", "write the image's name before the tag, such as postgres:15.10-bookworm");
        if (text.Length > MaxNameLength)
            return new($"repository name is {text.Length} characters long", $"Docker allows at most {MaxNameLength}");

        string? registry = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            var first = text[..slash];
            // distribution/reference: the first component is a registry when it has '.' or ':' or is localhost. (It also takes
            // one with upper case for a registry; here that is the far likelier mistake, a repository written in upper case.)
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
            {
                registry = first;
                text = text[(slash + 1)..];
                if (!RegistryPattern().IsMatch(registry))
                    return new($"registry '{registry}' is not a host name or address with an optional port",
                        "write it like registry.example.com:5000/postgres:15");
            }
        }

        if (text.Any(char.IsUpper))
            return new($"repository '{text}' has upper-case letters",
                $"Docker repository names are lower case: write {text.ToLowerInvariant()}");
        if (!RepositoryPattern().IsMatch(text))
            return new($"repository '{text}' is not a valid repository name",
                "repository names are lower-case letters and digits, in parts separated by '/', each part joined inside by '.', '_', '__' or '-'");

        reference = new ImageReference(registry, text, tag, digest);
        return null;
    }

    private static ImageReferenceProblem? CheckDigest(string digest)
    {
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
            return new("has a digest that is not algorithm:hex", "write @sha256: followed by the 64 hex digits of the image's digest");
        var algorithm = digest[..colon];
        var hex = digest[(colon + 1)..];
        if (!DigestLengths.TryGetValue(algorithm, out var length))
            return new($"digest algorithm '{algorithm}' is not supported", "use a sha256 digest (sha384 and sha512 are also accepted)");
        if (hex.Length > 0 && !LowerHex().IsMatch(hex))
            return new($"{algorithm} digest is not lower-case hexadecimal", $"a {algorithm} digest is {length} characters 0-9 and a-f");
        if (hex.Length != length)
            return new($"{algorithm} digest has {hex.Length} hex digits instead of {length}",
                "copy the whole digest, such as the one `docker buildx imagetools inspect <image>` prints");
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$")]
    private static partial Regex RegistryPattern();

    [GeneratedRegex(@"\$\{[^}]*\}?|\$[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Interpolation();

    [GeneratedRegex("^[a-f0-9]+$")]
    private static partial Regex LowerHex();
}

/// <summary>What is wrong with an image reference: said of the reference ("has an empty tag"), with a hint.</summary>
public sealed record ImageReferenceProblem(string Message, string Hint);
