namespace SwarmPgGitOps.Topology;

/// <summary>
/// Text made safe inside a quoted Mermaid label (<c>id["..."]</c>, <c>-->|"..."|</c>): the characters Mermaid or its HTML
/// labels would read as syntax become Mermaid's entity codes, so a label, a name or a placement value cannot end the
/// label, open a tag or start a Markdown string.
/// </summary>
public static class MermaidText
{
    public const string LineBreak = "<br/>";

    public static string Escape(string text)
    {
        var escaped = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '#' => "#35;",
                '"' => "#quot;",
                '<' => "#lt;",
                '>' => "#gt;",
                '&' => "#amp;",
                '`' => "#96;",
                '\r' or '\n' or '\t' => " ",
                _ => c.ToString(),
            });
        }
        return escaped.ToString();
    }

    /// <summary>Each line escaped, joined by Mermaid's line break.</summary>
    public static string Lines(IEnumerable<string> lines) => string.Join(LineBreak, lines.Where(l => l.Length > 0).Select(Escape));
}
