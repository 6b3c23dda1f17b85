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

    // A replica that is up but not streaming makes the canary wait this long; keep the broken-slot test short.
    public override ProjectLayout Layout => _layout ??= Lab.ClassicScratchProject(
        [.. LabFixture.OwnStack(StackName, 5442, 202), ("canary_timeout_seconds: 30", "canary_timeout_seconds: 10")]);
}
