using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Drift;

/// <summary>
/// Differences between the stack git renders and the stack on the swarm, taken from the deploy plan (so from
/// <see cref="ServiceFields"/>, the one place that decides what Swarm fills in by itself): missing networks, configs,
/// secrets and services, every differing service field, and services of the stack's namespace that git does not have.
/// </summary>
public static class SwarmDrift
{
    public static IReadOnlyList<DriftItem> Find(DesiredStack desired, LiveStack live, EnvironmentSpec spec) =>
        From(DeployPlan.Compute(desired, live, prune: true), desired, spec);

    public static IReadOnlyList<DriftItem> From(DeployPlan plan, DesiredStack desired, EnvironmentSpec spec)
    {
        var items = new List<DriftItem>();
        foreach (var change in plan.Changes)
        {
            switch (change.Change)
            {
                case ChangeKind.Create:
                    items.Add(new DriftItem(Name(change.ObjectKind, change.Name), change.ObjectKind, DriftObjects.Present, DriftObjects.Missing));
                    break;
                case ChangeKind.Remove:
                    items.Add(new DriftItem(Name(change.ObjectKind, change.Name), change.ObjectKind, DriftObjects.NotInGit, DriftObjects.Present));
                    break;
                case ChangeKind.Update:
                    var key = desired.Services.Single(s => s.Name == change.Name).Key;
                    items.AddRange(change.Fields.Select(field => Item(change.Name, key, field, spec)));
                    break;
            }
        }
        return items;
    }

    private static DriftItem Item(string service, string key, FieldChange field, EnvironmentSpec spec) =>
        ServiceFieldAdoption.For(key, field, spec) is var (path, value)
            ? new DriftItem(DriftObjects.Service(service), field.Field, field.DesiredShown, field.LiveShown, path, value)
            : new DriftItem(DriftObjects.Service(service), field.Field, field.DesiredShown, field.LiveShown);

    private static string Name(string kind, string name) => kind switch
    {
        "service" => DriftObjects.Service(name),
        "config" => DriftObjects.Config(name),
        "secret" => DriftObjects.Secret(name),
        "network" => DriftObjects.Network(name),
        _ => $"{kind} {name}",
    };
}
