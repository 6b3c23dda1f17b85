using SwarmPgGitOps.Secrets;
namespace SwarmPgGitOps.PgHba;

/// <summary>Where a field of a rule starts in the file, 1-based.</summary>
public readonly record struct HbaPosition(int Line, int Column);

/// <summary>The positions of a parsed rule's fields; absent for rules built in code.</summary>
public sealed record HbaRuleLocation(
    HbaPosition ConnectionType,
    HbaPosition Databases,
    HbaPosition Users,
    HbaPosition? Address,
    HbaPosition Method);

/// <summary>One record of pg_hba.conf.</summary>
public sealed record HbaRule
{
    /// <summary>The line the record starts on (a record continued with a trailing backslash spans more).</summary>
    public int Line { get; init; }

    public required HbaConnectionType ConnectionType { get; init; }

    public required IReadOnlyList<HbaToken> Databases { get; init; }

    public required IReadOnlyList<HbaToken> Users { get; init; }

    /// <summary>Null for <c>local</c> rules, which have no address column.</summary>
    public HbaAddress? Address { get; init; }

    public required HbaAuthMethod Method { get; init; }

    /// <summary>The name=value options after the method, in the order written; a repeated name keeps its last value.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>Every option as read, in order and with repeats, which is how PostgreSQL applies them; empty for rules built in code.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> WrittenOptions { get; init; } = [];

    /// <summary>The record as read, continuation backslashes and line breaks removed.</summary>
    public string RawLine { get; init; } = "";

    public HbaRuleLocation? Location { get; init; }

    public bool IsNetwork => ConnectionType.IsNetwork();

    public HbaPosition PositionOrStart(Func<HbaRuleLocation, HbaPosition?> field) =>
        Location is not null && field(Location) is { } position ? position : new HbaPosition(Line, 1);

    /// <summary>How the rule reads in a message: its raw text, or its formatted form when built in code.</summary>
    /// <summary>The rule as one line for a message; the values of secret options (ldapbindpasswd, radiussecrets) are masked.</summary>
    public string Describe() => Redaction.MaskSecretOptions(string.Join(' ', RawLine.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)));
}
