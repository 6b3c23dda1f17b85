using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Environments;

/// <summary>The two shapes of an environment file: classic (a primary and replicas) and Patroni (members, patroni, dcs).</summary>
public enum EnvironmentLayout
{
    Classic,
    Patroni,
}

/// <summary>Which layout a file has: the one place that decides it, and says where a file has neither, both or half of one.</summary>
public static class EnvironmentLayouts
{
    private static readonly string[] ClassicKeys = ["primary", "replicas"];
    private static readonly string[] PatroniKeys = ["patroni", "members", "dcs"];

    /// <summary>The file's layout when it has all of one layout's keys and none of the other's; otherwise null (<see cref="Check"/> says why).</summary>
    public static EnvironmentLayout? Of(EnvironmentSpec spec)
    {
        var classic = ClassicPresent(spec);
        var patroni = PatroniPresent(spec);
        return (classic.Count, patroni.Count) switch
        {
            (2, 0) => EnvironmentLayout.Classic,
            (0, 3) => EnvironmentLayout.Patroni,
            _ => null,
        };
    }

    public static IReadOnlyList<Diagnostic> Check(EnvironmentDocument document)
    {
        var spec = document.Spec;
        var map = document.Map;
        var classic = ClassicPresent(spec);
        var patroni = PatroniPresent(spec);
        const string Hint = "a file has either primary + replicas (classic layout) or members + patroni + dcs (Patroni layout)";

        if (classic.Count > 0 && patroni.Count > 0)
            return patroni.Select(key => map.Error(key, $"'{key}' belongs to the Patroni layout, but the file also has '{classic[0]}' of the classic layout",
                $"{Hint}: remove one of the two")).ToList();
        if (classic.Count == 0 && patroni.Count == 0)
            return [map.Error("", "the file has no PostgreSQL servers: neither members (Patroni layout) nor primary and replicas (classic layout)",
                $"{Hint}; copy them from an existing environment file")];

        var (keys, present, layout) = classic.Count > 0 ? (ClassicKeys, classic, "classic") : (PatroniKeys, patroni, "Patroni");
        return keys.Except(present).Select(key => map.Error("", $"the file is missing required key '{key}' of the {layout} layout",
            $"add `{key}:` to the file: the {layout} layout needs {string.Join(", ", keys)}")).ToList();
    }

    private static List<string> ClassicPresent(EnvironmentSpec spec) =>
        Present(("primary", spec.Primary is not null), ("replicas", spec.Replicas is not null));

    private static List<string> PatroniPresent(EnvironmentSpec spec) =>
        Present(("patroni", spec.Patroni is not null), ("members", spec.Members is not null), ("dcs", spec.Dcs is not null));

    private static List<string> Present(params (string Key, bool Present)[] keys) => keys.Where(k => k.Present).Select(k => k.Key).ToList();
}
