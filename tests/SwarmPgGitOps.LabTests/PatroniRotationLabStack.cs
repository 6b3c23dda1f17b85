namespace SwarmPgGitOps.LabTests;

/// <summary>The Patroni stack of the password rotation and rollback tests (pg-hr, ports 5532-5534, subnet 10.213.0.0/24).</summary>
public sealed class PatroniRotationLabStack() : PatroniLabStack("pg-hr", 5532, 213);
