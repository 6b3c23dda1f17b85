namespace SwarmPgGitOps.Diagnostics;

/// <summary>Carries diagnostics out of a pipeline step that cannot go on; the entry point prints them, not a stack trace.</summary>
public sealed class DiagnosticsException(IReadOnlyList<Diagnostic> diagnostics)
    : Exception(string.Join(Environment.NewLine, diagnostics))
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;

    public DiagnosticsException(Diagnostic diagnostic) : this([diagnostic]) { }
}
