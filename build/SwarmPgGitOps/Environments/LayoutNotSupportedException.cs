using SwarmPgGitOps.Diagnostics;

namespace SwarmPgGitOps.Environments;

/// <summary>A step that works on one layout was given an environment of the other (or of none: Validate says why).</summary>
public sealed class LayoutNotSupportedException(EnvironmentLayout needed, EnvironmentLayout? actual) : ActionableException(actual is null
    ? $"the environment has no complete layout, and this step needs the {Name(needed)} layout (run Validate to see what is missing)"
    : $"this step works on the {Name(needed)} layout only, and the environment has the {Name(actual.Value)} layout: a step the pipeline does not yet offer for that layout (hint: run Validate; README \"Patroni layout\" lists what each layout supports)")
{
    private static string Name(EnvironmentLayout layout) => layout == EnvironmentLayout.Classic ? "classic (primary + replicas)" : "Patroni (members + patroni + dcs)";
}
