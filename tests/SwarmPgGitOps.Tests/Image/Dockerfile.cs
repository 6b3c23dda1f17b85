namespace SwarmPgGitOps.Tests.ImageRecipe;

/// <summary>The instructions of a Dockerfile: continuation lines joined, comments and blank lines dropped.</summary>
public sealed record Dockerfile(IReadOnlyList<(string Keyword, string Arguments)> Instructions)
{
    public static Dockerfile Load(string path)
    {
        var instructions = new List<(string, string)>();
        var pending = "";
        foreach (var line in File.ReadLines(path))
        {
            var trimmed = line.Trim();
            if (pending.Length == 0 && (trimmed.Length == 0 || trimmed.StartsWith('#')))
                continue;
            pending += trimmed.EndsWith('\\') ? trimmed[..^1] + " " : trimmed;
            if (trimmed.EndsWith('\\'))
                continue;
            var space = pending.IndexOf(' ');
            instructions.Add((pending[..space].ToUpperInvariant(), pending[(space + 1)..].Trim()));
            pending = "";
        }
        return new Dockerfile(instructions);
    }

    public IEnumerable<string> All(string keyword) =>
        Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

    /// <summary>The default of <c>ARG name=default</c> (the first declaration that has one).</summary>
    public string? ArgDefault(string name) =>
        All("ARG").Select(a => a.Split('=', 2)).FirstOrDefault(a => a[0] == name && a.Length == 2)?[1];
}
