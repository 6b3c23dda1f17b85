using SwarmPgGitOps.Validation;

namespace SwarmPgGitOps.Tests.Validation;

/// <summary>Image references as Docker's grammar (distribution/reference) reads them.</summary>
public class ImageReferenceTests
{
    private const string Sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("postgres", null, "postgres", null)]
    [InlineData("postgres:15.10-bookworm", null, "postgres", "15.10-bookworm")]
    [InlineData("library/postgres:15", null, "library/postgres", "15")]
    [InlineData("docker.io/library/postgres:15", "docker.io", "library/postgres", "15")]
    [InlineData("localhost/pg:15", "localhost", "pg", "15")]
    [InlineData("localhost:5000/pg:15", "localhost:5000", "pg", "15")]
    [InlineData("[::1]:5000/pg:_15", "[::1]:5000", "pg", "_15")]
    [InlineData("Registry.Example.com/a/b/c:V1", "Registry.Example.com", "a/b/c", "V1")]
    [InlineData("swarm-pg/postgres:15-lab", null, "swarm-pg/postgres", "15-lab")]
    [InlineData("a__b/c.d/e---f:tag", null, "a__b/c.d/e---f", "tag")]
    public void Valid_references_are_read_into_their_parts(string text, string? registry, string repository, string? tag)
    {
        Assert.Null(ImageReference.Check(text, out var reference));
        Assert.Equal(new ImageReference(registry, repository, tag, null), reference);
    }

    [Fact]
    public void A_digest_is_kept_with_its_algorithm()
    {
        Assert.Null(ImageReference.Check($"postgres:15@sha256:{Sha256}", out var reference));
        Assert.Equal($"sha256:{Sha256}", reference!.Digest);
        Assert.Equal("15", reference.Tag);
    }

    [Theory]
    [InlineData("postgres:", "has an empty tag")]
    [InlineData("${PG_IMAGE}", "uses ${PG_IMAGE}")]
    [InlineData("$REGISTRY/postgres:15", "uses $REGISTRY")]
    [InlineData("Postgres:15", "repository 'Postgres' has upper-case letters")]
    [InlineData("Swarm-pg/postgres:15", "repository 'Swarm-pg/postgres' has upper-case letters")]
    [InlineData("postgres:-15", "tag '-15' is not a valid tag")]
    [InlineData("postgres:15 ", "contains a blank")]
    [InlineData("a_-b:15", "repository 'a_-b' is not a valid repository name")]
    [InlineData("a//b:15", "repository 'a//b' is not a valid repository name")]
    [InlineData("/postgres:15", "repository '/postgres' is not a valid repository name")]
    [InlineData(":15", "has no repository name")]
    [InlineData("registry.example.com:50o0/pg:15", "registry 'registry.example.com:50o0' is not a host name")]
    [InlineData("postgres@sha256", "has a digest that is not algorithm:hex")]
    [InlineData("postgres@md5:0123456789abcdef0123456789abcdef", "digest algorithm 'md5' is not supported")]
    [InlineData("postgres@sha256:abc", "sha256 digest has 3 hex digits instead of 64")]
    [InlineData("postgres@sha256:", "sha256 digest has 0 hex digits instead of 64")]
    [InlineData("postgres@sha512:" + Sha256, "sha512 digest has 64 hex digits instead of 128")]
    [InlineData("postgres@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "sha256 digest is not lower-case hexadecimal")]
    public void Invalid_references_say_which_part_is_wrong(string text, string problem)
    {
        var found = ImageReference.Check(text, out var reference);

        Assert.Null(reference);
        Assert.NotNull(found);
        Assert.Contains(problem, found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tag_is_at_most_128_characters()
    {
        Assert.Null(ImageReference.Check("postgres:" + new string('a', 128), out _));
        Assert.Contains("is not a valid tag", ImageReference.Check("postgres:" + new string('a', 129), out _)!.Message, StringComparison.Ordinal);
    }
}
