using System.Text.Json;

namespace SwarmPgGitOps.Rendering;

/// <summary>Writes artifacts/&lt;env&gt;/ afresh: the rendered files and a manifest.json with their sha256.</summary>
public sealed class ArtifactWriter(ProjectLayout layout)
{
    public string Write(RenderedEnvironment rendered)
    {
        var directory = layout.ArtifactsFor(rendered.Environment);
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);

        foreach (var file in rendered.Files)
        {
            var path = Path.Combine(directory, file.Name);
            File.WriteAllText(path, file.Content);
            if (file.Name.EndsWith(".sh", StringComparison.Ordinal) && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var manifest = new Manifest(rendered.Environment, rendered.SourceFile, rendered.Stack,
            rendered.Files.Select(f => new ManifestFile(f.Name, f.Sha256, f.Content.Length)).ToList());
        File.WriteAllText(Path.Combine(directory, "manifest.json"), JsonSerializer.Serialize(manifest, ArtifactJson.Options) + "\n");
        return directory;
    }

    private sealed record Manifest(string Environment, string Source, string Stack, IReadOnlyList<ManifestFile> Files);

    private sealed record ManifestFile(string Path, string Sha256, int Bytes);
}
