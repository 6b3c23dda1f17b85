using SwarmPgGitOps.Drift;
using SwarmPgGitOps.Environments;
using SwarmPgGitOps.Patroni;
using SwarmPgGitOps.Rendering;
using SwarmPgGitOps.Smoke;
using SwarmPgGitOps.Topology;
using SwarmPgGitOps.Tests.Support;

namespace SwarmPgGitOps.Tests.Topology;

/// <summary>topology.md: what runs where as git says it, and the live pictures Smoke and Drift draw from what they observed.</summary>
public sealed class TopologyDiagramTests
{
    private static string IdOf(TopologyDiagram diagram, string name) =>
        diagram.Places.SelectMany(p => p.Shapes).Single(s => s.Label.StartsWith(name + MermaidText.LineBreak, StringComparison.Ordinal)).Id;

    private static string ClassOf(TopologyDiagram diagram, string id) =>
        diagram.Classes.Single(c => c.Ids.Split(',').Contains(id)).Name;

    private static string LabelOf(TopologyDiagram diagram, string name) =>
        diagram.Places.SelectMany(p => p.Shapes).Single(s => s.Id == IdOf(diagram, name)).Label;

    private static IEnumerable<(string From, string Label, string To)> Edges(TopologyDiagram diagram) =>
        diagram.Edges.Select(e => (e.From, e.Label, e.To));

    [Fact]
    public void Each_member_and_etcd_member_is_drawn_on_the_node_its_placement_fits_with_its_port_and_volume()
    {
        var diagram = TopologyDiagram.Desired(Observed.Lab());

        var node2 = diagram.Places.Single(p => p.Label.StartsWith("node2 (manager) · ", StringComparison.Ordinal));
        Assert.Equal(["pg2<br/>port 5433, volume pg2_data<br/>replica", "etcd2<br/>etcd: Patroni's DCS", "pgbackrest<br/>volume pgbackrest_repo<br/>pgBackRest repository, TLS :8432"],
            node2.Shapes.Select(s => s.Label));
        Assert.Equal(["database", "etcd", "backup"], node2.Shapes.Select(s => s.Shape));
        Assert.Equal("node2 (manager) · lab.node=node2, purpose=worker", node2.Label);
        Assert.Equal("overlay network pgnet · 10.201.0.0/24", diagram.Network.Label);
    }

    [Fact]
    public void The_preferred_leader_leads_takes_the_writes_and_streams_to_the_others()
    {
        var diagram = TopologyDiagram.Desired(Observed.LabWithoutEndpoints());
        var (pg1, pg2, pg3, repository) = (IdOf(diagram, "pg1"), IdOf(diagram, "pg2"), IdOf(diagram, "pg3"), IdOf(diagram, "pgbackrest"));

        Assert.Equal("leader", ClassOf(diagram, pg1));
        Assert.Equal("replica", ClassOf(diagram, pg2));
        Assert.Equal("backup", ClassOf(diagram, repository));
        Assert.Contains("preferred leader", LabelOf(diagram, "pg1"));
        Assert.Equal(
            [("apps", "read-write", pg1), ("apps", "read-only", pg2), ("apps", "read-only", pg3), (pg1, "streams WAL", pg2), (pg1, "streams WAL", pg3),
             (pg1, "archives WAL, is backed up", repository)],
            Edges(diagram));
    }

    [Fact]
    public void Connection_strings_list_every_member_with_its_port_and_no_password()
    {
        var markdown = Observed.Markdown(TopologyDiagram.Desired(Observed.LabWithoutEndpoints()));

        Assert.Contains("- read-write, straight to the members: `host=192.168.77.11,192.168.77.12,192.168.77.13 port=5432,5433,5434 dbname=<database> user=<user> password=<password> target_session_attrs=read-write", markdown);
        Assert.Contains("target_session_attrs=prefer-standby", markdown);
    }

    [Fact]
    public void HAProxy_when_present_takes_the_applications_connections_to_the_leader_and_replicas()
    {
        var topology = Observed.Lab();
        var diagram = TopologyDiagram.Desired(topology);
        var pg1 = IdOf(diagram, "pg1");

        Assert.NotNull(diagram.Proxy);
        Assert.Contains(("apps", ":5000 read-write, :5001 read-only", "haproxy"), Edges(diagram));
        Assert.Contains(("haproxy", "read-write", pg1), Edges(diagram));
        Assert.DoesNotContain(Edges(diagram), e => e.From == "apps" && e.To == pg1);
        Assert.Equal(("read-write, through HAProxy", "host=192.168.77.11,192.168.77.12,192.168.77.13 port=5000 dbname=<database> user=<user> password=<password> target_session_attrs=read-write connect_timeout=5 sslmode=verify-full sslrootcert=<ca.crt>",
            "Host=192.168.77.11,192.168.77.12,192.168.77.13;Port=5000;Database=<database>;Username=<user>;Password=<password>;Target Session Attributes=read-write;Timeout=5;SSL Mode=VerifyFull;Root Certificate=<ca.crt>"),
            (topology.Connections[0].Purpose, topology.Connections[0].Libpq, topology.Connections[0].Npgsql));
        Assert.Contains("haproxy[[\"HAProxy on every node<br/>read-write :5000 to the leader<br/>read-only :5001 to the replicas\"]]", Observed.Markdown(diagram));
    }

    [Fact]
    public void Names_and_labels_cannot_break_out_of_a_Mermaid_label()
    {
        var text = PatroniFixture.With("labels: { purpose: master, lab.node: node1 }", "labels: { purpose: 'a\"]) --> x[\"<b>#1</b>`', lab.node: node1 }");
        var diagram = TopologyDiagram.Desired(ClusterTopology.From(Repo.Load(text, "lab")));

        var node1 = diagram.Places.Single(p => p.Id == "n1");
        Assert.Equal("node1 (manager) · lab.node=node1, purpose=a#quot;]) --#gt; x[#quot;#lt;b#gt;#35;1#lt;/b#gt;#96;", node1.Label);
        Assert.DoesNotContain('"', node1.Label);
    }

    [Fact]
    public void A_placement_that_fits_several_nodes_is_drawn_in_a_group_naming_them()
    {
        var text = PatroniFixture.With("placement: { lab.node: node3 }\n    port: 5434", "placement: { purpose: worker }\n    port: 5434");
        var diagram = TopologyDiagram.Desired(ClusterTopology.From(Repo.Load(text, "lab")));

        var group = Assert.Single(diagram.Places, p => p.Id.StartsWith('g'));
        Assert.Equal("any of node2, node3 · purpose=worker", group.Label);
        Assert.Equal("pg3", group.Shapes.Single().Label.Split(MermaidText.LineBreak)[0]);
    }

    [Fact]
    public void Smoke_draws_who_leads_now_each_replicas_lag_and_a_member_that_is_down()
    {
        var diagram = Observed.FailedOverDiagram();
        var (pg1, pg2, pg3) = (IdOf(diagram, "pg1"), IdOf(diagram, "pg2"), IdOf(diagram, "pg3"));

        Assert.Equal("leader", ClassOf(diagram, pg2));
        Assert.Equal("down", ClassOf(diagram, pg1));
        Assert.Equal("replica", ClassOf(diagram, pg3));
        Assert.EndsWith("preferred leader<br/>stopped", LabelOf(diagram, "pg1"));
        Assert.EndsWith("leads, timeline 3", LabelOf(diagram, "pg2"));
        Assert.EndsWith("sync standby, lag 3 MB", LabelOf(diagram, "pg3"));
        Assert.Equal([("apps", ":5000 read-write, :5001 read-only", "haproxy"), ("haproxy", "read-write", pg2), ("haproxy", "read-only", pg3), (pg2, "streams WAL", pg3),
            (pg2, "archives WAL, is backed up", IdOf(diagram, "pgbackrest"))], Edges(diagram));
        Assert.Contains("as Smoke at 2026-12-01 03:51:00 UTC saw it", diagram.Intro);
    }

    [Fact]
    public void Smoke_draws_the_backup_repository_down_with_the_check_that_failed_and_healthy_with_its_newest_backup()
    {
        var cluster = new PatroniCluster("pg-lab", [Observed.Leader("pg1"), Observed.Standby("pg2"), Observed.Standby("pg3")]);
        var failing = Observed.Smoke(cluster, SmokeCheck.Fail("backup.check", "pg-lab_pgbackrest", "server-ping failed", "pgbackrest check passes", "look"));
        var passing = Observed.Smoke(cluster, SmokeCheck.Pass("backup.check", "pg-lab_pgbackrest", "passed", "pgbackrest check passes"),
            SmokeCheck.Pass("backup.newest", "pg-lab_pgbackrest", "20261201-035000F (full), 1 min old", "younger than 26 h"));

        var down = TopologyDiagram.Live(Observed.Lab(), SmokeObservation.From(failing, Observed.Lab()));
        var healthy = TopologyDiagram.Live(Observed.Lab(), SmokeObservation.From(passing, Observed.Lab()));

        Assert.Equal("down", ClassOf(down, IdOf(down, "pgbackrest")));
        Assert.EndsWith("backup.check: server-ping failed", LabelOf(down, "pgbackrest"));
        Assert.Equal("backup", ClassOf(healthy, IdOf(healthy, "pgbackrest")));
        Assert.EndsWith("check passed, newest 20261201-035000F (full), 1 min old", LabelOf(healthy, "pgbackrest"));
    }

    [Fact]
    public void An_S3_repository_is_drawn_outside_the_swarm_with_the_leader_archiving_to_it()
    {
        var topology = Observed.LabWithS3();

        var diagram = TopologyDiagram.Desired(topology);

        Assert.Null(topology.BackupRepository);
        Assert.Equal("backup repository: S3 bucket<br/>pg-backups at s3.example.com", diagram.ExternalBackup?.Label);
        Assert.Contains((IdOf(diagram, "pg1"), "archives WAL, is backed up", "s3"), Edges(diagram));
        Assert.Contains("s3[/\"backup repository: S3 bucket<br/>pg-backups at s3.example.com\"/]", Observed.Markdown(diagram));
    }

    [Fact]
    public void Smoke_marks_a_member_it_could_not_connect_to_as_unreachable()
    {
        var cluster = new PatroniCluster("pg-lab", [Observed.Leader("pg1"), Observed.Standby("pg2"), Observed.Standby("pg3")]);
        var report = Observed.Smoke(cluster, SmokeCheck.Fail("connect", "pg3", "192.168.77.13:5434: timeout", "connected", "look"));

        var diagram = TopologyDiagram.Live(Observed.Lab(), SmokeObservation.From(report, Observed.Lab()));

        Assert.Equal("down", ClassOf(diagram, IdOf(diagram, "pg3")));
        Assert.EndsWith("unreachable", LabelOf(diagram, "pg3"));
        Assert.Equal("leader", ClassOf(diagram, IdOf(diagram, "pg1")));
    }

    [Fact]
    public void Smoke_without_Patroni_draws_no_leader_and_says_why()
    {
        var diagram = TopologyDiagram.Live(Observed.Lab(), SmokeObservation.From(Observed.Smoke(null), Observed.Lab()));

        Assert.DoesNotContain(diagram.Edges, e => e.Label == "read-write");
        Assert.Contains("Patroni could not be asked: who leads is unknown", diagram.Notes);
    }

    [Fact]
    public void Classic_smoke_draws_a_replica_that_does_not_stream_as_down()
    {
        var document = ClassicFixture.Load("lab");
        var topology = ClusterTopology.From(document);
        var report = new SmokeReport("lab", "pg-lab", Observed.At, TimeSpan.Zero, [],
        [
            SmokeCheck.Pass("replication.streaming", PrimaryChecks.StreamTarget("replica1"), "streaming", "streaming"),
            SmokeCheck.Pass("replication.replay_lag_bytes", PrimaryChecks.StreamTarget("replica1"), "0 B", "≤ 16 MB"),
            SmokeCheck.Fail("replication.streaming", PrimaryChecks.StreamTarget("replica2"), "no walsender", "one walsender, streaming", "look"),
        ], []);

        var diagram = TopologyDiagram.Live(topology, SmokeObservation.From(report, topology));

        Assert.Equal("leader", ClassOf(diagram, IdOf(diagram, "primary")));
        Assert.EndsWith("streaming, replay lag 0 B", LabelOf(diagram, "replica1"));
        Assert.Equal("down", ClassOf(diagram, IdOf(diagram, "replica2")));
        Assert.EndsWith("no walsender", LabelOf(diagram, "replica2"));
    }

    [Fact]
    public void Drift_marks_drifted_members_and_the_network_draws_the_live_leader_and_lists_the_rest()
    {
        var diagram = Observed.DriftedDiagram();
        var (pg2, pg3) = (IdOf(diagram, "pg2"), IdOf(diagram, "pg3"));

        Assert.Equal("drifted", ClassOf(diagram, pg2));
        Assert.EndsWith("drifted: image, setting work_mem", LabelOf(diagram, "pg2"));
        Assert.Equal("drifted", ClassOf(diagram, "net"));
        Assert.Equal("leader", ClassOf(diagram, pg3));
        Assert.Contains(("haproxy", "read-write", pg3), Edges(diagram));
        Assert.Equal(["config pg-lab_member_sh_abc: config"], diagram.Notes);
        var markdown = Observed.Markdown(diagram);
        Assert.StartsWith("### Live topology of lab\n", markdown);
        Assert.Contains("- config pg-lab_member_sh_abc: config", markdown);
    }

    [Fact]
    public void Every_environment_renders_a_topology_listed_in_the_manifest()
    {
        var layout = Repo.Scratch();
        foreach (var name in Repo.ShippedEnvironments)
        {
            var document = EnvironmentLoader.Load(layout, name).Unwrap();
            var rendered = new EnvironmentRenderer(layout).Render(document).Unwrap();
            var directory = new ArtifactWriter(layout).Write(rendered);

            Assert.StartsWith($"# Topology of {name}\n", rendered.File("topology.md").Content);
            Assert.Contains("\"path\": \"topology.md\"", File.ReadAllText(Path.Combine(directory, "manifest.json")));
        }
    }

    [Fact]
    public void The_README_example_is_the_lab_diagram_as_rendered()
    {
        var rendered = Observed.Markdown(TopologyDiagram.Desired(Observed.Lab()));
        var diagram = rendered[rendered.IndexOf("```mermaid\n", StringComparison.Ordinal)..(rendered.IndexOf("\n```\n", StringComparison.Ordinal) + 5)];

        Assert.Contains(diagram, File.ReadAllText(Path.Combine(Repo.Layout.Root, "README.md")));
    }

    [Fact]
    public void Drift_draws_a_database_it_could_not_reach_as_unreachable_with_the_fields_its_service_differs_in()
    {
        var report = new DriftReport("lab", "environments/lab.yml",
        [
            new DriftItem(DriftObjects.Service("pg-lab_pg1"), "secrets", "pg-lab_superuser_password_1", "pg-lab_superuser_password_2"),
            new DriftItem(DriftObjects.Database("pg1"), "connection", "reachable", "28P01 password authentication failed"),
        ]);

        var diagram = TopologyDiagram.Live(Observed.Lab(), DriftObservation.From(report, Observed.Lab(), Observed.At));

        Assert.Equal("down", ClassOf(diagram, IdOf(diagram, "pg1")));
        Assert.EndsWith("unreachable; drifted: secrets", LabelOf(diagram, "pg1"));
    }
}
