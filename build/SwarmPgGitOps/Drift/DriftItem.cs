namespace SwarmPgGitOps.Drift;

/// <summary>
/// One difference between what git renders and what runs. <paramref name="Object"/> names the thing ("service pg-lab_primary"),
/// <paramref name="Field"/> the property ("image"). <paramref name="AdoptPath"/> is the key in the environment file that would
/// make git agree with the live value <paramref name="AdoptValue"/> (SourceMap syntax: "replicas[1].port"); both are null when
/// the difference cannot be written back to the file. <paramref name="Hint"/> says what puts it right when that is not obvious.
/// </summary>
public sealed record DriftItem(string Object, string Field, string Desired, string Live, string? AdoptPath = null, string? AdoptValue = null, string? Hint = null)
{
    public bool CanBeAdopted => AdoptPath is not null && AdoptValue is not null;
}
