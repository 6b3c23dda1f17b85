namespace SwarmPgGitOps.LabTests;

/// <summary>
/// A stack of its own (pg-sync, ports 5482-5484, subnet 10.206.0.0/24) whose replica1 is the lone synchronous replica
/// (synchronous_standby_names 'ANY 1 (replica1)'), deployed by the pipeline.
/// </summary>
public sealed class SynchronousLabStack : StackDeployedByPipeline
{
    protected override (string Find, string Replace)[] LabEdits =>
        [.. LabFixture.OwnStack("pg-sync", 5482, 206), ("    slot: replica1\n", "    slot: replica1\n    synchronous: true\n")];
}
