namespace SwarmPgGitOps.Swarm;

public enum ChangeKind
{
    Create,
    Update,
    Unchanged,
    Remove,
}

public sealed record PlannedChange(string ObjectKind, string Name, ChangeKind Change, IReadOnlyList<FieldChange> Fields, string? Note = null);

/// <summary>
/// What a deploy would do to each object of the stack: create, update (with the fields), leave, or remove (with --prune,
/// or because the stack changes layout: <see cref="Replacement"/>).
/// </summary>
public sealed record DeployPlan(IReadOnlyList<PlannedChange> Changes)
{
    public bool HasChanges => Changes.Any(c => c.Change != ChangeKind.Unchanged);

    public PlannedChange For(string objectKind, string name) => Changes.Single(c => c.ObjectKind == objectKind && c.Name == name);

    public static DeployPlan Compute(DesiredStack desired, LiveStack live, bool prune, Replacement? replacement = null)
    {
        replacement ??= Replacement.None;
        var changes = new List<PlannedChange>();
        foreach (var network in desired.Networks)
        {
            changes.Add(live.Networks.Any(n => n.Name == network.Name)
                ? new PlannedChange("network", network.Name, ChangeKind.Unchanged, [])
                : new PlannedChange("network", network.Name, ChangeKind.Create, []));
        }
        foreach (var config in desired.Configs)
            changes.Add(new PlannedChange("config", config.Name, live.Configs.Any(c => c.Spec.Name == config.Name) ? ChangeKind.Unchanged : ChangeKind.Create, []));
        foreach (var secret in desired.Secrets)
            changes.Add(new PlannedChange("secret", secret.Name, live.Secrets.Any(s => s.Spec.Name == secret.Name) ? ChangeKind.Unchanged : ChangeKind.Create, []));

        foreach (var service in desired.Services)
        {
            if (live.Service(service.Name) is not { } existing)
            {
                changes.Add(new PlannedChange("service", service.Name, ChangeKind.Create, []));
                continue;
            }
            var fields = ServiceFields.Compare(service.Spec, existing.Spec, live.NetworkName);
            changes.Add(new PlannedChange("service", service.Name, fields.Count > 0 ? ChangeKind.Update : ChangeKind.Unchanged, fields));
        }

        var desiredNames = desired.Services.Select(s => s.Name).ToHashSet();
        foreach (var orphan in live.Services.Where(s => !desiredNames.Contains(s.Spec.Name)))
        {
            changes.Add(replacement.Replaces(orphan.Spec.Name)
                ? new PlannedChange("service", orphan.Spec.Name, ChangeKind.Remove, [], $"{replacement.Why}; removed first, its volume is kept")
                : prune
                ? new PlannedChange("service", orphan.Spec.Name, ChangeKind.Remove, [], "not in the stack any more; its volume is kept")
                : new PlannedChange("service", orphan.Spec.Name, ChangeKind.Unchanged, [], "not in the stack any more; --prune removes it (volumes are kept)"));
        }
        return new DeployPlan(changes);
    }
}
