namespace SwarmPgGitOps.PgHba;

/// <summary>
/// One entry of a database or user list. <see cref="IsQuoted"/> means the token began with a double quote,
/// which is what PostgreSQL uses to strip keywords, <c>+group</c> and <c>@file</c> of their meaning.
/// </summary>
public sealed record HbaToken(string Text, bool IsQuoted = false)
{
    private static readonly HashSet<string> NameKeywords = new(StringComparer.Ordinal)
    {
        "all", "sameuser", "samerole", "samegroup", "replication",
    };

    public bool IsKeyword(string keyword) => !IsQuoted && Text == keyword;

    public bool IsAnyKeyword => !IsQuoted && NameKeywords.Contains(Text);

    /// <summary><c>+role</c>: matches members of the role.</summary>
    public bool IsGroup => !IsQuoted && Text.StartsWith('+');

    /// <summary><c>@file</c>: PostgreSQL reads more names from the file; this parser only records it.</summary>
    public bool IsInclusion => !IsQuoted && Text.Length > 1 && Text[0] == '@';

    public string? InclusionPath => IsInclusion ? Text[1..] : null;

    public static HbaToken Keyword(string keyword) => new(keyword);

    public static HbaToken Group(string role) => new("+" + role);

    public static HbaToken Include(string path) => new("@" + path);

    /// <summary>A plain database or role name; quoted when it would otherwise read as a keyword, group or file.</summary>
    public static HbaToken Name(string name) =>
        new(name, NameKeywords.Contains(name) || name.StartsWith('+') || name.StartsWith('@') || HbaQuoting.NeedsQuotes(name));

    public override string ToString() => HbaQuoting.Render(this);
}
