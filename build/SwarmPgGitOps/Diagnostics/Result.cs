namespace SwarmPgGitOps.Diagnostics;

/// <summary>A value, or the problems that kept it from being made. Warnings may travel with a value.</summary>
public sealed record Result<T>(T? Value, IReadOnlyList<Diagnostic> Diagnostics) where T : class
{
    public bool Succeeded => Value is not null && !Diagnostics.Any(d => d.IsError);

    public static Result<T> Ok(T value, IReadOnlyList<Diagnostic>? warnings = null) => new(value, warnings ?? []);

    public static Result<T> Fail(IReadOnlyList<Diagnostic> errors) => new(null, errors);

    public static Result<T> Fail(Diagnostic error) => new(null, [error]);

    /// <summary>The value, or a <see cref="DiagnosticsException"/> carrying the problems.</summary>
    public T Unwrap() => Succeeded ? Value! : throw new DiagnosticsException(Diagnostics);
}
