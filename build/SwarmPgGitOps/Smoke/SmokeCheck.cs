namespace SwarmPgGitOps.Smoke;

/// <summary>
/// One smoke check's outcome: what was measured where, against which expectation, and on failure what to look at.
/// Values never contain secrets.
/// </summary>
public sealed record SmokeCheck(string Name, string Target, string Value, string Threshold, bool Passed, string? Hint = null)
{
    public static SmokeCheck Pass(string name, string target, string value, string threshold) =>
        new(name, target, value, threshold, true);

    public static SmokeCheck Fail(string name, string target, string value, string threshold, string hint) =>
        new(name, target, value, threshold, false, hint);

    public static SmokeCheck When(bool passed, string name, string target, string value, string threshold, string hint) =>
        new(name, target, value, threshold, passed, passed ? null : hint);

    public string Describe() => $"{Name} on {Target} = {Value} (expected {Threshold})";
}
