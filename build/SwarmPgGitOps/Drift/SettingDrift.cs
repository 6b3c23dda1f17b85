using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Secrets;

namespace SwarmPgGitOps.Drift;

/// <summary>
/// The settings of one PostgreSQL instance against the environment: every setting the environment renders must read as
/// written (compared as PostgreSQL reads it, <see cref="SettingComparison"/>), and a setting the environment leaves alone
/// must not have been changed from its default with ALTER SYSTEM.
/// </summary>
public static class SettingDrift
{
    /// <param name="layout">The environment file's layout, which decides where a live value would be written back.</param>
    public static IReadOnlyList<DriftItem> Find(string instance, IReadOnlyList<ExpectedSetting> expected, IReadOnlyList<LiveSetting> live,
        EnvironmentLayout layout = EnvironmentLayout.Classic)
    {
        var items = new List<DriftItem>();
        var byName = live.ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var setting in expected)
        {
            if (!byName.TryGetValue(setting.Name, out var actual))
                items.Add(new DriftItem(DriftObjects.Database(instance), Field(setting.Name), Redaction.IsSecretName(setting.Name) ? Redaction.Hidden : Show(setting.Value), "(unknown setting)"));
            else if (!SettingComparison.Matches(setting.Value, actual.Row))
                items.Add(Item(instance, actual, Show(setting.Value), layout));
        }

        var rendered = expected.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var actual in live.Where(s => s.SetWithAlterSystem && !rendered.Contains(s.Name)).OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (actual.BootValue is null || !SettingComparison.Matches(actual.Default, actual.Row))
                items.Add(Item(instance, actual, $"(default) {Show(actual.Default)}", layout));
        }
        return items;
    }

    public static string Field(string setting) => $"settings.{setting}";

    private static DriftItem Item(string instance, LiveSetting actual, string desired, EnvironmentLayout layout) =>
        Redaction.IsSecretName(actual.Name)
            ? new DriftItem(DriftObjects.Database(instance), Field(actual.Name), Redaction.Hidden, "differs" + (actual.SetWithAlterSystem ? " (ALTER SYSTEM)" : ""))
            : SettingAdoption.For(actual, layout) is var (path, value)
            ? new DriftItem(DriftObjects.Database(instance), Field(actual.Name), desired, Describe(actual), path, value)
            : new DriftItem(DriftObjects.Database(instance), Field(actual.Name), desired, Describe(actual));

    /// <summary>How the value reads in a report: SHOW's form, marked when ALTER SYSTEM set it.</summary>
    private static string Describe(LiveSetting actual) => Show(actual.Row.Display) + (actual.SetWithAlterSystem ? " (ALTER SYSTEM)" : "");

    private static string Show(string value) => value.Length == 0 ? "''" : value;
}
