using SwarmPgGitOps.Diagnostics;
using SwarmPgGitOps.Tests.Support;
using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Tests.Backup;

/// <summary>backup: on the shipped lab file (the Patroni layout with a repository service), one edit at a time.</summary>
public class BackupValidatorTests
{
    private static IReadOnlyList<Diagnostic> Validate(string text) => UnencryptedNetwork.Without(EnvironmentValidator.Validate(Repo.Load(text, "test")));

    private static string Lab(string find, string replace) => Repo.With(Repo.EnvironmentText("lab"), find, replace);

    [Fact]
    public void The_shipped_lab_backup_section_is_valid() => Assert.Empty(Validate(Repo.EnvironmentText("lab")));

    [Fact]
    public void Retention_that_keeps_no_full_backup_is_an_error_at_its_value()
    {
        var text = Lab("retention_full: 2", "retention_full: 0");

        var error = Assert.Single(Validate(text), d => d.IsError);

        Assert.Equal("backup.repository.retention_full 0 keeps no full backup", error.Message);
        Assert.Equal(Repo.Position(text, "retention_full: 0").Line, error.Line);
    }

    [Fact]
    public void A_repository_is_a_service_or_a_bucket_not_both()
    {
        var error = Assert.Single(Validate(Lab("  repository:\n    placement: { lab.node: node2 }\n",
            "  repository:\n    placement: { lab.node: node2 }\n    s3: { bucket: backups, endpoint: s3.example.com, region: eu-west-1 }\n")), d => d.IsError);

        Assert.StartsWith("backup.repository needs exactly one of placement", error.Message);
    }

    [Fact]
    public void A_repository_on_the_preferred_leaders_node_is_a_warning()
    {
        var warning = Assert.Single(Validate(Lab("placement: { lab.node: node2 }\n    retention", "placement: { lab.node: node1 }\n    retention")));

        Assert.False(warning.IsError);
        Assert.Equal("the backup repository runs on the preferred leader's node (node1)", warning.Message);
    }

    [Fact]
    public void A_repository_service_needs_the_tls_secrets()
    {
        var errors = Validate(Lab("  backup_tls_key: { generate: true }\n", "")).Where(d => d.IsError).ToList();

        Assert.Equal(["'secrets' is missing 'backup_tls_key', which the backup repository's TLS server needs"], errors.Select(e => e.Message));
    }

    [Fact]
    public void An_s3_repository_is_validated_and_said_to_be_unexercised()
    {
        var text = Lab("  repository:\n    placement: { lab.node: node2 }\n", "  repository:\n    s3: { bucket: Backups, endpoint: https://s3.example.com, region: eu-west-1, uri_style: virtual }\n");

        var diagnostics = Validate(text);

        Assert.Contains(diagnostics, d => d.IsError && d.Message.StartsWith("backup.repository.s3.bucket 'Backups' is not a bucket name", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.IsError && d.Message.StartsWith("backup.repository.s3.endpoint", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.IsError && d.Message.StartsWith("backup.repository.s3.uri_style", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.IsError && d.Message == "'secrets' is missing 'backup_s3_key', which the S3 repository needs");
        Assert.Contains(diagnostics, d => !d.IsError && d.Message.Contains("not exercised by this project's tests", StringComparison.Ordinal));
    }

    [Fact]
    public void The_classic_layout_has_no_backup_section()
    {
        var text = ClassicFixture.LabWith("access:", "backup:\n  repository:\n    placement: { purpose: worker }\n\naccess:");

        var error = Assert.Single(EnvironmentValidator.Validate(Repo.Load(text, "test")), d => d.IsError);

        Assert.StartsWith("backup belongs to the Patroni layout", error.Message);
    }
}
