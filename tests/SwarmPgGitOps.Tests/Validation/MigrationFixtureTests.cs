using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Tests.Support;
using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Tests.Validation;

/// <summary>The two files of the move from the classic layout (tests/SwarmPgGitOps.Tests/Fixtures/migration): valid, and one the takeover of the other.</summary>
public class MigrationFixtureTests
{
    private static EnvironmentDocument Load(string layout) =>
        Repo.Load(File.ReadAllText(Path.Combine(Repo.Layout.Root, "tests", "SwarmPgGitOps.Tests", "Fixtures", "migration", layout, "environments", "lab.yml")), "lab");

    [Theory]
    [InlineData("classic", EnvironmentLayout.Classic)]
    [InlineData("patroni", EnvironmentLayout.Patroni)]
    public void Each_file_is_valid_in_its_layout(string layout, EnvironmentLayout expected)
    {
        var document = Load(layout);

        Assert.Empty(UnencryptedNetwork.Without(EnvironmentValidator.Validate(document)));
        Assert.Equal(expected, EnvironmentLayouts.Of(document.Spec));
    }

    [Fact]
    public void The_Patroni_file_runs_the_same_stack_major_and_ports_and_its_first_member_adopts_the_classic_primary_s_volume_on_its_node()
    {
        var classic = Load("classic").Spec;
        var patroni = Load("patroni").Spec;
        var first = patroni.PatroniCluster().Members[0];

        Assert.Equal((classic.Stack, classic.Postgres.Image, classic.Postgres.Major), (patroni.Stack, patroni.Postgres.Image, patroni.Postgres.Major));
        Assert.Equal($"{classic.Classic().Primary.Name}_data", first.Volume);
        Assert.Equal(classic.Classic().Primary.ConnectHost, first.ConnectHost);
        Assert.Equal(classic.Classic().Primary.Port, first.Port);
    }
}
