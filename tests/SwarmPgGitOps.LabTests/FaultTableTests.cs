using System.Reflection;

namespace SwarmPgGitOps.LabTests;

/// <summary>The README's fault table and the fault suite name the same faults. Needs no lab.</summary>
public class FaultTableTests
{
    [Fact]
    public void Every_fault_test_has_a_row_in_the_readme_table_and_every_row_a_test()
    {
        var readme = File.ReadAllText(Path.Combine(ProjectLayout.Discover(AppContext.BaseDirectory).Root, "README.md"));
        var section = readme[readme.IndexOf("## Faults", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var rows = section.Split('\n')
            .Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| Fault ", StringComparison.Ordinal))
            .Select(l => l.Split('|')[1].Trim())
            .ToList();

        var tests = typeof(FaultTests).GetMethods().Concat(typeof(PatroniFaultTests).GetMethods()).Concat(typeof(BackupFaultTests).GetMethods())
            .Where(m => m.GetCustomAttribute<FactAttribute>() is not null)
            .SelectMany(FaultTraits)
            .ToList();

        Assert.Equal(tests.Order(), rows.Order());
    }

    /// <summary>A test that runs several faults in sequence (each one's recovery the next one's start) has a Fault trait for each.</summary>
    private static IEnumerable<string> FaultTraits(MethodInfo method)
    {
        var faults = method.CustomAttributes.Where(a => a.AttributeType == typeof(TraitAttribute))
            .Select(a => (Name: (string)a.ConstructorArguments[0].Value!, Value: (string)a.ConstructorArguments[1].Value!))
            .Where(t => t.Name == "Fault")
            .Select(t => t.Value)
            .ToList();
        Assert.True(faults.Count > 0, $"{method.Name} has no Fault trait");
        return faults;
    }
}
