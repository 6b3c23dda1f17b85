using System.Text.Json;

namespace SwarmPgGitOps;

/// <summary>How every JSON file the pipeline writes (manifest.json, smoke.json, drift.json) is laid out: snake_case, indented.</summary>
public static class ArtifactJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };
}
