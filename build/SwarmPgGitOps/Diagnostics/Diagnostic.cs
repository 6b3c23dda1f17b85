namespace SwarmPgGitOps.Diagnostics;

public enum Severity
{
    Error,
    Warning,
}

/// <summary>A problem the user can act on: where it is, what is wrong, and what to do about it.</summary>
public sealed record Diagnostic(string File, int Line, int Column, string Message, string? Hint = null, Severity Severity = Severity.Error)
{
    public bool IsError => Severity == Severity.Error;

    public override string ToString()
    {
        var location = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        var prefix = Severity == Severity.Warning ? "warning: " : "";
        return Hint is null ? $"{location}: {prefix}{Message}" : $"{location}: {prefix}{Message} (hint: {Hint})";
    }
}
