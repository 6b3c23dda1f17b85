namespace SwarmPgGitOps.Drift;

/// <summary>A value to write at a key path of a YAML file ("postgres.settings.extra.work_mem", "replicas[1].port").</summary>
public sealed record YamlEdit(string Path, string Value);

/// <summary>The file's text after one edit, or the reason the edit could not be made.</summary>
public sealed record YamlEditAttempt(string? Text, string? Problem)
{
    public bool Succeeded => Text is not null;

    public static YamlEditAttempt Ok(string text) => new(text, null);

    public static YamlEditAttempt Fail(string problem) => new(null, problem);
}
