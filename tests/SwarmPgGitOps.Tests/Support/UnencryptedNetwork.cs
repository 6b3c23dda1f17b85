using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Tests.Support;

/// <summary>
/// The lab's overlay network is not encrypted (its kernel has no IPsec ESP), and Validate warns about that on every
/// file made from the lab's: tests of other rules leave that one warning out (EnvironmentValidatorTests asserts it).
/// </summary>
public static class UnencryptedNetwork
{
    public static bool Is(Diagnostic diagnostic) =>
        diagnostic.Severity == Severity.Warning && diagnostic.Message.Contains(" is not encrypted by Swarm between nodes", StringComparison.Ordinal);

    public static IReadOnlyList<Diagnostic> Without(IEnumerable<Diagnostic> diagnostics) => diagnostics.Where(d => !Is(d)).ToList();
}
