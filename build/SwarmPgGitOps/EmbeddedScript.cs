namespace SwarmPgGitOps;

/// <summary>The scripts the library runs inside containers, embedded in it by their file name (SwarmPgGitOps.csproj).</summary>
public static class EmbeddedScript
{
    public static string Read(string name)
    {
        using var stream = typeof(EmbeddedScript).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded in the library");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
