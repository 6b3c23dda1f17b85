namespace SwarmPgGitOps.LabTests;

/// <summary>The Patroni stack of the password rotation and rollback tests (pg-hr, ports 5492-5494, subnet 10.209.0.0/24).</summary>
public sealed class PatroniRotationLabStack() : PatroniLabStack("pg-hr", 5492, 209);
