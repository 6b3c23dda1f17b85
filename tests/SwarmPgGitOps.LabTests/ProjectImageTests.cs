using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// The project's own image (build/image, imported by the lab as swarm-pg/postgres:17-lab) runs the engine the Patroni
/// layout deploys: one etcd and one Patroni member in a throwaway stack (pg-image, subnet 10.206.0.0/24) of their own.
/// </summary>
[Collection("lab")]
[Trait("Category", "Image")]
public partial class ProjectImageTests(LabFixture lab)
{
    private const string Stack = "pg-image";
    private const string Subnet = "10.206.0.0/24";
    private const string ConfigPath = "/etc/patroni/patroni.yml";
    private const string DataDir = "/var/lib/postgresql/data/pgdata";

    [Fact]
    public async Task The_import_declares_the_environment_the_recipe_recorded_in_the_image()
    {
        var node1 = lab.Node("node1").Socket;

        var recorded = await LabFixture.DockerCli(node1, ["run", "--rm", "--network", "none", lab.Info.ProjectImage, "cat", "/etc/swarm-pg/image.env"]);
        var declared = JsonSerializer.Deserialize<string[]>(await LabFixture.DockerCli(node1, ["image", "inspect", "--format", "{{json .Config.Env}}", lab.Info.ProjectImage]))!;

        Assert.Equal(recorded.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(), declared.Order());
        Assert.Contains("PG_MAJOR=17", declared);
        Assert.Equal("17", (await LabFixture.DockerCli(node1, ["image", "inspect", "--format", "{{index .Config.Labels \"org.swarm-pg.image.pg-major\"}}", lab.Info.ProjectImage])).Trim());
    }

    [Fact]
    public async Task One_patroni_member_on_etcd_bootstraps_a_utf8_postgresql_17_leader_owned_by_the_fixed_postgres_uid()
    {
        var node1 = lab.Node("node1").Socket;
        var uid = PostgresUid();
        await lab.RemoveStackAsync(Stack);
        try
        {
            foreach (var secret in new[] { "superuser", "replication", "rest_api" })
                await LabFixture.DockerCli(lab.Info.Endpoint, ["secret", "create", $"{Stack}_{secret}", "-"], input: RandomNumberGenerator.GetHexString(32, lowercase: true));
            await LabFixture.DockerCli(lab.Info.Endpoint, ["config", "create", $"{Stack}_patroni", "-"], input: PatroniYml);
            await LabFixture.DockerCli(lab.Info.Endpoint, ["stack", "deploy", "--compose-file", "-", Stack], input: StackYml(lab.Info.ProjectImage, uid));

            string? container = null;
            var list = "";
            try
            {
                await Waits.Until(async () =>
                {
                    container = (await LabFixture.DockerCli(node1, ["ps", "-q", "--filter", $"label=com.docker.swarm.service.name={Stack}_pg1"])).Trim();
                    if (container.Length == 0)
                        return false;
                    // patronictl builds Patroni's whole configuration, REST API password included: it reads it as Patroni does.
                    var patronictl = await Cli.Wrap("docker").WithArguments(["-H", node1, "exec", container, "sh", "-c",
                            $"PATRONI_RESTAPI_PASSWORD=\"$(cat /run/secrets/rest_api)\" exec patronictl -c {ConfigPath} list -f json"])
                        .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
                    list = patronictl.StandardOutput + patronictl.StandardError;
                    return ParseMembers(patronictl.StandardOutput).Any(m => m.GetProperty("Member").GetString() == "pg1"
                        && m.GetProperty("Role").GetString() == "Leader" && m.GetProperty("State").GetString() == "running");
                }, TimeSpan.FromSeconds(180), "pg1 to be Patroni's running leader");
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message}; patronictl list said: {list}\n{await ServiceDiagnostics()}", e);
            }

            Assert.StartsWith("17", await Psql(node1, container!, "SHOW server_version"));
            Assert.Equal("UTF8", await Psql(node1, container!, "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()"));
            Assert.Equal("C.UTF-8", await Psql(node1, container!, "SELECT datcollate FROM pg_database WHERE datname = current_database()"));
            Assert.Equal("on", await Psql(node1, container!, "SHOW data_checksums"));
            Assert.Equal($"{uid}:{uid}\n{uid}:{uid}", (await LabFixture.DockerCli(node1, ["exec", container!, "stat", "-c", "%u:%g", DataDir, $"{DataDir}/PG_VERSION"])).Trim());
            Assert.Equal("", (await LabFixture.DockerCli(node1, ["exec", container!, "find", DataDir, "!", "-uid", uid, "-print"])).Trim());
        }
        finally
        {
            await lab.RemoveStackAsync(Stack);
        }
    }

    /// <summary>What Swarm and the two services said: their tasks' states and errors, and their last log lines.</summary>
    private async Task<string> ServiceDiagnostics()
    {
        var report = new System.Text.StringBuilder();
        foreach (var service in new[] { $"{Stack}_etcd1", $"{Stack}_pg1" })
        {
            report.AppendLine(await LabFixture.DockerCli(lab.Info.Endpoint, ["service", "ps", "--no-trunc", "--format", "{{.Name}} {{.CurrentState}} {{.Error}}", service], check: false));
            var logs = await Cli.Wrap("docker").WithArguments(["-H", lab.Info.Endpoint, "service", "logs", "--raw", "--tail", "25", service])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            report.AppendLine(logs.StandardOutput).AppendLine(logs.StandardError);
        }
        return report.ToString();
    }

    /// <summary>The postgres uid install.sh, the image recipe, fixes.</summary>
    private string PostgresUid()
    {
        var recipe = File.ReadAllText(Path.Combine(lab.Layout.Root, "build", "image", "install.sh"));
        return PostgresAccount().Match(recipe) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("install.sh has no 'add_account postgres <uid>' line");
    }

    [GeneratedRegex(@"^add_account postgres (\d+) ", RegexOptions.Multiline)]
    private static partial Regex PostgresAccount();

    private static IEnumerable<JsonElement> ParseMembers(string json)
    {
        try
        {
            return JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static async Task<string> Psql(string node, string container, string sql) =>
        (await LabFixture.DockerCli(node, ["exec", container, "psql", "-h", "/var/run/postgresql", "-d", "postgres", "-AtXc", sql])).Trim();

    private static readonly string PatroniYml = $$"""
        scope: {{Stack}}
        name: pg1
        restapi:
          listen: 0.0.0.0:8008
          connect_address: pg1:8008
          authentication: { username: patroni }
        etcd3:
          hosts: etcd1:2379
        bootstrap:
          dcs: { ttl: 30, loop_wait: 10, retry_timeout: 10 }
          initdb: [{ encoding: UTF8 }, { locale: C.UTF-8 }, data-checksums]
        postgresql:
          listen: 0.0.0.0:5432
          connect_address: pg1:5432
          data_dir: {{DataDir}}
          bin_dir: /usr/lib/postgresql/17/bin
          pgpass: /tmp/pgpass
          authentication:
            superuser: { username: postgres }
            replication: { username: replicator }
          pg_hba:
            - local all all peer
            - host all all 127.0.0.1/32 scram-sha-256
            - host all all {{Subnet}} scram-sha-256
            - host replication replicator {{Subnet}} scram-sha-256
          parameters: { unix_socket_directories: /var/run/postgresql }
        watchdog:
          mode: "off"
        """;

    /// <summary>etcd on node2, the member on node1 (so that the overlay carries Patroni's etcd traffic). The member reads
    /// its passwords from the secrets into Patroni's environment variables; nothing echoes them.</summary>
    private static string StackYml(string image, string uid) => $$"""
        version: "3.8"
        services:
          etcd1:
            image: {{image}}
            user: etcd
            command: [etcd, --name, etcd1, --data-dir, /var/lib/etcd/data,
                      --listen-client-urls, "http://0.0.0.0:2379", --advertise-client-urls, "http://etcd1:2379",
                      --listen-peer-urls, "http://0.0.0.0:2380", --initial-advertise-peer-urls, "http://etcd1:2380",
                      --initial-cluster, "etcd1=http://etcd1:2380", --initial-cluster-state, new, --initial-cluster-token, {{Stack}}]
            volumes: [etcd1_data:/var/lib/etcd]
            deploy:
              endpoint_mode: dnsrr
              placement: { constraints: [node.labels.lab.node == node2] }
          pg1:
            image: {{image}}
            user: postgres
            entrypoint:
              - sh
              - -c
              - >-
                export PATRONI_SUPERUSER_PASSWORD="$$(cat /run/secrets/superuser)"
                PATRONI_REPLICATION_PASSWORD="$$(cat /run/secrets/replication)"
                PATRONI_RESTAPI_PASSWORD="$$(cat /run/secrets/rest_api)"
                && exec patroni {{ConfigPath}}
            volumes: [pg1_data:/var/lib/postgresql/data]
            configs: [{ source: patroni, target: {{ConfigPath}}, mode: 0444 }]
            secrets:
              - { source: superuser, uid: "{{uid}}", gid: "{{uid}}", mode: 0400 }
              - { source: replication, uid: "{{uid}}", gid: "{{uid}}", mode: 0400 }
              - { source: rest_api, uid: "{{uid}}", gid: "{{uid}}", mode: 0400 }
            deploy:
              endpoint_mode: dnsrr
              placement: { constraints: [node.labels.lab.node == node1] }
        volumes:
          etcd1_data:
          pg1_data:
        configs:
          patroni: { external: true, name: {{Stack}}_patroni }
        secrets:
          superuser: { external: true, name: {{Stack}}_superuser }
          replication: { external: true, name: {{Stack}}_replication }
          rest_api: { external: true, name: {{Stack}}_rest_api }
        networks:
          default:
            driver: overlay
            ipam: { config: [{ subnet: {{Subnet}} }] }
        """;
}
