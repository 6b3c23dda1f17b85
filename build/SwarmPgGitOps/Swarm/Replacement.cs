namespace SwarmPgGitOps.Swarm;

/// <summary>
/// Live services of the stack that a deploy replaces because the stack changes layout: removed (their volumes kept)
/// before the first wave that changes a service of <see cref="BeforeRole"/>, whatever --prune says, so that the old
/// and the new server never run on the same data or ports together.
/// </summary>
/// <param name="Services">The services' names in the swarm (&lt;stack&gt;_&lt;name&gt;).</param>
/// <param name="Why">Printed with each removal.</param>
public sealed record Replacement(IReadOnlyList<string> Services, string Why, string BeforeRole)
{
    public static Replacement None { get; } = new([], "", "");

    public bool Replaces(string service) => Services.Contains(service);
}
