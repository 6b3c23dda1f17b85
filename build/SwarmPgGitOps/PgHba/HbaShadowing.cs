using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.PgHba;

/// <summary>
/// Finds rules an earlier rule always wins over. Only clear cases count: the same connection type (or an
/// earlier plain host rule), an address range that contains the later one, and database and user lists that
/// include the later ones; @file lists and samehost/samenet never count as covered.
/// </summary>
internal static class HbaShadowing
{
    public static IEnumerable<Diagnostic> Find(IReadOnlyList<HbaRule> rules, string fileName)
    {
        for (var later = 1; later < rules.Count; later++)
        {
            var rule = rules[later];
            var shadow = rules.Take(later).FirstOrDefault(earlier => Covers(earlier, rule));
            if (shadow is null)
                continue;
            var position = rule.PositionOrStart(location => location.ConnectionType);
            yield return new Diagnostic(fileName, position.Line, position.Column,
                $"rule \"{rule.Describe()}\" can never match: the rule on line {shadow.Line} (\"{shadow.Describe()}\") matches every connection it would",
                $"Remove it, or move it above line {shadow.Line} if it should take precedence.",
                Severity.Warning);
        }
    }

    private static bool Covers(HbaRule earlier, HbaRule later) =>
        CoversConnectionType(earlier.ConnectionType, later.ConnectionType)
        && CoversAddress(earlier.Address, later.Address)
        && CoversDatabases(earlier.Databases, later.Databases)
        && CoversUsers(earlier.Users, later.Users);

    private static bool CoversConnectionType(HbaConnectionType earlier, HbaConnectionType later) =>
        earlier == later || (earlier == HbaConnectionType.Host && later.IsNetwork());

    private static bool CoversAddress(HbaAddress? earlier, HbaAddress? later) => (earlier, later) switch
    {
        (null, null) => true,
        (HbaKeywordAddress { Keyword: HbaAddressKeyword.All }, not null) => true,
        (HbaIpRange outer, HbaIpRange inner) => inner.IsWithin(outer),
        (HbaHostnameAddress outer, HbaHostnameAddress inner) =>
            string.Equals(outer.Hostname, inner.Hostname, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static bool CoversDatabases(IReadOnlyList<HbaToken> earlier, IReadOnlyList<HbaToken> later) =>
        later.All(database =>
            // Physical replication connections only match the replication keyword, never all.
            database.IsKeyword("replication")
                ? earlier.Any(other => other.IsKeyword("replication"))
                : !database.IsInclusion && (earlier.Any(other => other.IsKeyword("all")) || earlier.Any(other => SameMeaning(other, database))));

    private static bool CoversUsers(IReadOnlyList<HbaToken> earlier, IReadOnlyList<HbaToken> later) =>
        earlier.Any(other => other.IsKeyword("all"))
        || later.All(user => !user.IsInclusion && earlier.Any(other => SameMeaning(other, user)));

    private static bool SameMeaning(HbaToken first, HbaToken second) =>
        first.Text == second.Text
        && first.IsAnyKeyword == second.IsAnyKeyword
        && first.IsGroup == second.IsGroup
        && first.IsInclusion == second.IsInclusion;
}
