namespace SwarmPgGitOps.Environments;

/// <summary>Line and column of every value in an environment file, by path (`replicas[1].slot`), so checks can point at it.</summary>
public sealed class SourceMap(string file)
{
    private readonly Dictionary<string, (int Line, int Column)> _positions = new(StringComparer.Ordinal);

    public string File { get; } = file;

    internal void Record(string path, int line, int column) => _positions[path] = (line, column);

    /// <summary>Whether the file writes this key itself (rather than leaving it to its default).</summary>
    public bool Contains(string path) => _positions.ContainsKey(path);

    /// <summary>The position of the path, or of its nearest recorded parent.</summary>
    public (int Line, int Column) Locate(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            if (_positions.TryGetValue(p, out var position))
                return position;
        }
        return (1, 1);
    }

    public Diagnostics.Diagnostic Error(string path, string message, string? hint = null)
    {
        var (line, column) = Locate(path);
        return new Diagnostics.Diagnostic(File, line, column, message, hint);
    }

    public Diagnostics.Diagnostic Warning(string path, string message, string? hint = null) =>
        Error(path, message, hint) with { Severity = Diagnostics.Severity.Warning };

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}
