namespace SwarmPgGitOps.LabTests;

/// <summary>
/// A stack of the smoke tests' own (pg-smoke, ports 5442-5444, subnet 10.202.0.0/24), so that breaking and restoring it
/// never disturbs the pg-lab stack of the other lab tests. Deployed by hand from a scratch copy of the project whose
/// generated passwords the Smoke step resolves the same way it would in the pipeline.
/// </summary>
public sealed class SmokeLabStack : StackDeployedByHand
{
    public const string StackName = "pg-smoke";

    private ProjectLayout? _layout;

    public override ProjectLayout Layout => _layout ??= ScratchProject();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(Layout.Root, recursive: true);
    }

    private ProjectLayout ScratchProject()
    {
        var project = Lab.ScratchProject();
        var lab = project.EnvironmentFile("lab");
        var text = File.ReadAllText(lab);
        foreach (var (find, replace) in new[]
        {
            ("stack: pg-lab", $"stack: {StackName}"),
            ("port: 5432", "port: 5442"),
            ("port: 5433", "port: 5443"),
            ("port: 5434", "port: 5444"),
            ("subnet: 10.201.0.0/24", "subnet: 10.202.0.0/24"),
            // A replica that is up but not streaming makes the canary wait this long; keep the broken-slot test short.
            ("canary_timeout_seconds: 30", "canary_timeout_seconds: 10"),
        })
        {
            if (!text.Contains(find, StringComparison.Ordinal))
                throw new InvalidOperationException($"environments/lab.yml no longer contains '{find}': update {nameof(SmokeLabStack)}");
            text = text.Replace(find, replace, StringComparison.Ordinal);
        }
        File.WriteAllText(lab, text);
        return project;
    }
}
