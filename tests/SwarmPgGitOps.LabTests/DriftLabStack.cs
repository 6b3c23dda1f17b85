namespace SwarmPgGitOps.LabTests;

/// <summary>
/// A stack of the drift tests' own (pg-drift, ports 5452-5454, subnet 10.203.0.0/24), deployed by the pipeline, so that
/// changing it by hand never disturbs the stacks of other tests.
/// </summary>
public sealed class DriftLabStack : StackDeployedByPipeline
{
    public const string StackName = "pg-drift";

    protected override (string Find, string Replace)[] LabEdits => LabFixture.OwnStack(StackName, 5452, 203);
}
