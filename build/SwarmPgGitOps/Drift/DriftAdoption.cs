using SwarmPgGitOps.Environments;

namespace SwarmPgGitOps.Drift;

/// <summary>One difference and whether the environment file can take its live value; <see cref="Problem"/> says why not.</summary>
public sealed record ItemAdoption(DriftItem Item, string? Problem)
{
    public bool Adopted => Problem is null;
}

/// <summary>The environment file with every adoptable live value written into it, and the fate of each difference.</summary>
public sealed record AdoptionPlan(string OriginalText, string EnvironmentText, IReadOnlyList<ItemAdoption> Items)
{
    public bool ChangesFile => !string.Equals(OriginalText, EnvironmentText, StringComparison.Ordinal);

    public IReadOnlyList<ItemAdoption> Adopted => Items.Where(i => i.Adopted).ToList();

    public IReadOnlyList<ItemAdoption> NotAdopted => Items.Where(i => !i.Adopted).ToList();
}

/// <summary>
/// Decides which differences git can adopt: the item must name a key, the edit must be possible, two items must not want
/// different values at one key, and a file that loaded before must still load after.
/// </summary>
public static class DriftAdoption
{
    public static AdoptionPlan Plan(DriftReport report, string environmentText)
    {
        var validBefore = Loads(report, environmentText) is null;
        var text = environmentText;
        var adoptedAt = new Dictionary<string, DriftItem>(StringComparer.Ordinal);
        var items = new List<ItemAdoption>();
        foreach (var item in report.Items)
        {
            var problem = Adopt(item, report, validBefore, adoptedAt, ref text);
            items.Add(new ItemAdoption(item, problem));
        }
        return new AdoptionPlan(environmentText, text, items);
    }

    private static string? Adopt(DriftItem item, DriftReport report, bool validBefore, Dictionary<string, DriftItem> adoptedAt, ref string text)
    {
        if (item.AdoptPath is not { } path || item.AdoptValue is not { } value)
            return item.Hint ?? "the environment file has no key for it";
        if (adoptedAt.TryGetValue(path, out var earlier))
        {
            return earlier.AdoptValue == value
                ? null
                : $"{earlier.Object} {earlier.Field} wants '{earlier.AdoptValue}' at the same key '{path}'";
        }

        var attempt = EnvironmentFileEditor.TryApply(text, new YamlEdit(path, value));
        if (attempt.Text is not { } changed)
            return attempt.Problem;
        if (validBefore && Loads(report, changed) is { } loadProblem)
            return $"the file would no longer load: {loadProblem}";

        text = changed;
        adoptedAt[path] = item;
        return null;
    }

    private static string? Loads(DriftReport report, string text)
    {
        var result = EnvironmentLoader.Parse(text, report.EnvironmentFile, report.Environment);
        return result.Succeeded ? null : result.Diagnostics.First(d => d.IsError).Message;
    }
}
