using System.Security.Cryptography.X509Certificates;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Postgres;
using SwarmPgGitOps.TestSupport;

namespace SwarmPgGitOps.Tests.Patroni;

public sealed class CertificateRotationTests : IDisposable
{
    private readonly TestAuthority _old = new("old CA");
    private readonly TestAuthority _new = new("new CA");

    [Fact]
    public void A_new_certificate_from_the_CA_the_members_trust_rolls_out()
    {
        Assert.Null(CertificateRotation.Problem(_old.CaPem, Issued(_old, "members"), _old.CaPem, Issued(_old, "members renewed")));
    }

    [Fact]
    public void A_certificate_about_to_expire_or_expired_is_still_replaced_by_one_from_the_same_CA()
    {
        Assert.Null(CertificateRotation.Problem(_old.CaPem, Issued(_old, "members", DateTimeOffset.UtcNow.AddDays(-1)), _old.CaPem, Issued(_old, "members renewed")));
    }

    [Fact]
    public void A_new_CA_and_certificate_at_once_are_refused_since_the_members_not_updated_would_refuse_the_first_one_updated()
    {
        var problem = CertificateRotation.Problem(_old.CaPem, Issued(_old, "members"), _new.CaPem, Issued(_new, "members"));

        Assert.Equal("the new certificate (CN=members, issued by CN=new CA) is not signed by a CA the members trust now (CN=old CA): "
            + "the members not updated yet would refuse the first one updated", problem);
    }

    [Fact]
    public void A_new_CA_comes_in_over_three_deploys_each_of_which_rolls_out()
    {
        var oldCertificate = Issued(_old, "members");
        var newCertificate = Issued(_new, "members");
        var both = _old.CaPem + _new.CaPem;

        Assert.Null(CertificateRotation.Problem(_old.CaPem, oldCertificate, both, oldCertificate));
        Assert.Null(CertificateRotation.Problem(both, oldCertificate, both, newCertificate));
        Assert.Null(CertificateRotation.Problem(both, newCertificate, _new.CaPem, newCertificate));
    }

    [Fact]
    public void Dropping_the_CA_that_signed_the_certificate_the_members_serve_is_refused()
    {
        var problem = CertificateRotation.Problem(_old.CaPem + _new.CaPem, Issued(_old, "members"), _new.CaPem, Issued(_new, "members"));

        Assert.Equal("the certificate the members serve now (CN=members, issued by CN=old CA) is not signed by a CA of the new secrets.postgres_tls_ca (CN=new CA): "
            + "the first member updated would refuse the others", problem);
    }

    [Fact]
    public void A_new_certificate_the_new_CA_alone_does_not_sign_is_refused_since_updated_members_would_refuse_each_other()
    {
        var both = _old.CaPem + _new.CaPem;

        var problem = CertificateRotation.Problem(both, Issued(_new, "members"), _new.CaPem, Issued(_old, "members renewed"));

        Assert.StartsWith("the new certificate (CN=members renewed, issued by CN=old CA, valid ", problem);
        Assert.EndsWith(") does not verify against the new secrets.postgres_tls_ca (CN=new CA) today: the members updated would refuse each other", problem);
    }

    [Fact]
    public void An_expired_new_certificate_is_refused()
    {
        var problem = CertificateRotation.Problem(_old.CaPem, Issued(_old, "members"), _old.CaPem, Issued(_old, "members renewed", DateTimeOffset.UtcNow.AddDays(-1)));

        Assert.Contains("does not verify against the new secrets.postgres_tls_ca (CN=old CA) today", problem);
    }

    [Fact]
    public void The_pipeline_verifies_a_member_against_every_CA_of_a_bundle()
    {
        var both = CertificateAuthorities.FromPem(_old.CaPem + _new.CaPem);

        foreach (var authority in new[] { _old, _new })
        {
            using var certificate = X509Certificate2.CreateFromPem(Issued(authority, "members"));
            Assert.Null(ServerCertificate.Problem(both, "pg1", certificate));
        }
        using var foreignCa = new TestAuthority("foreign CA");
        using var foreign = X509Certificate2.CreateFromPem(Issued(foreignCa, "members"));
        Assert.Equal("its TLS certificate (CN=members, issued by CN=foreign CA) is not signed by the environment's CA (CN=old CA; CN=new CA, secrets.postgres_tls_ca)",
            ServerCertificate.Problem(both, "pg1", foreign));
    }

    public void Dispose()
    {
        _old.Dispose();
        _new.Dispose();
    }

    private static string Issued(TestAuthority authority, string subject, DateTimeOffset? notAfter = null) =>
        authority.Issue(["pg1"], notAfter ?? DateTimeOffset.UtcNow.AddDays(30), subject).Certificate;
}
