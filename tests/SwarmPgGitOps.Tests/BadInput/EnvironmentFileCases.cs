using SwarmPgGitOps.Diagnostics;
using static SwarmPgGitOps.Tests.BadInput.CaseKit;

namespace SwarmPgGitOps.Tests.BadInput;

/// <summary>
/// Bad environment files, each validated through the real entry point on a scratch project. A case names the shipped
/// file it starts from, the edit, where the diagnostic must point and what it must say. Non-production cases are written
/// as environments/qa.yml, production ones (production: true) as environments/prod.yml or environments/prod-eu.yml.
/// </summary>
[Trait("Category", "BadInput")]
public class EnvironmentFileCases
{
    private const string LabRule = "{ type: host, database: all, user: postgres, address: 192.168.77.0/24, method: scram-sha-256 }";

    private static BadInputCase Qa(Func<string, string> edit, Locator at, string message, Severity severity = Severity.Error, string? notExpected = null) =>
        new("lab", "qa", edit, at, message, severity, NotExpected: notExpected);

    private static BadInputCase Prod(Func<string, string> edit, Locator at, string message, Severity severity = Severity.Error, string? notExpected = null) =>
        new("prod", "prod", edit, at, message, severity, NotExpected: notExpected);

    /// <summary>A production environment whose file name does not say so: production: true alone gives production's rules.</summary>
    private static BadInputCase ProdEu(Func<string, string> edit, Locator at, string message) =>
        new("prod", "prod-eu", edit.Then(Replace("stack: pg-prod", "stack: pg-prod-eu")), at, message);

    // A pasted password: long and random-looking. It must never appear in a message.
    private const string Pasted = "Xk9mQ2vL8pR4tZ7wY1nB6cD";

    private static string LongName(string start, int length) => start + new string('x', length - start.Length);

    private static Func<string, string> Rule(string find, string replace) => Replace(LabRule, LabRule.Replace(find, replace, StringComparison.Ordinal));

    public static readonly IReadOnlyDictionary<string, BadInputCase> Cases = new Dictionary<string, BadInputCase>
    {
        // ---- YAML and schema: the strict loader ----
        ["type: text for a whole number"] = Qa(Replace("max_wal_senders: 10", "max_wal_senders: ten"), Value("max_wal_senders: ten"),
            "'postgres.settings.max_wal_senders' must be a whole number, got 'ten' (hint: write a whole number)"),
        ["type: 'on' for true or false"] = Qa(Replace("hot_standby: true", "hot_standby: on"), Value("hot_standby: on"),
            "'postgres.settings.hot_standby' must be true or false, got 'on' (hint: write true or false)"),
        ["type: number beyond int"] = Qa(Replace("port: 5433", "port: 99999999999"), Value("port: 99999999999"),
            "'replicas[0].port' must be a whole number, got '99999999999'"),
        ["type: mapping for a text"] = Qa(Replace("stack: pg-lab", "stack: { name: pg-lab }"), Value("stack: { name"),
            "'stack' must be a text, not a mapping"),
        ["type: list for a mapping"] = Qa(Replace("superuser_password: { generate: true }", "superuser_password: [generate]"), Value("superuser_password: [generate]"),
            "'secrets.superuser_password' must be a mapping, not a list"),
        ["type: single value for labels"] = Qa(Replace("labels: { purpose: master, lab.node: node1 }", "labels: master"), Value("labels: master"),
            "'nodes[0].labels' must be a mapping of keys to values, not a single value"),
        ["type: single value for a list"] = Qa(Replace("  rules:\n", "  rules: scram-sha-256\n  old_rules:\n"), Value("rules: scram-sha-256"),
            "'access.rules' must be a list, not a single value"),
        ["unknown key: top level, suggested"] = Qa(Replace("stack: pg-lab", "stakc: pg-lab"), At("stakc"),
            "unknown key 'stakc' in the file (hint: did you mean 'stack'?)", notExpected: "missing required key 'stack'"),
        ["unknown key: nested, suggested"] = Qa(Replace("    wal_level: replica", "    wal_levle: replica"), At("wal_levle"),
            "unknown key 'wal_levle' in 'postgres.settings' (hint: did you mean 'wal_level'?)"),
        ["unknown key: list item, suggested"] = Qa(Replace("    slot: replica1", "    slots: replica1"), At("slots: replica1"),
            "unknown key 'slots' in 'replicas[0]' (hint: did you mean 'slot'?)"),
        ["unknown key: flow mapping, suggested"] = Qa(Rule("database: all", "databse: all"), At("databse"),
            "unknown key 'databse' in 'access.rules[0]' (hint: did you mean 'database'?)"),
        ["unknown key: nothing close"] = Qa(Replace("  connect_host: 192.168.77.11", "  connect_host: 192.168.77.11\n  favourite_colour: blue"), At("favourite_colour"),
            "unknown key 'favourite_colour' in 'primary' (hint: allowed keys: name, placement, port, connect_host)"),
        ["duplicate key: top level"] = Qa(Replace("stack: pg-lab\n", "stack: pg-lab\nstack: pg-lab2\n"), At("stack: pg-lab2"),
            "Duplicate key stack (hint: each key may appear once in a mapping"),
        ["duplicate key: flow mapping"] = Qa(Replace("placement: { purpose: master }", "placement: { purpose: master, purpose: worker }"), At("purpose: worker }"),
            "Duplicate key purpose"),
        ["missing key: top level"] = Qa(Replace("stack: pg-lab\n", ""), At("production:"),
            "the file is missing required key 'stack' (hint: add `stack:` to the file)"),
        ["missing key: nested"] = Qa(Replace("  port: 5432\n", ""), At("primary:"),
            "'primary' is missing required key 'port'"),
        ["missing key: secret"] = Qa(Replace("  replication_password: { generate: true }\n", ""), At("secrets:"),
            "'secrets' is missing required key 'replication_password'"),
        ["missing value"] = Qa(Replace("image: swarm-pg/postgres:15-lab", "image:"), After("image:"),
            "'postgres.image' has no value"),
        ["empty file"] = Qa(Whole(""), Position(1, 1), "the file is empty (hint: copy an existing environment file and change it)"),
        ["comments only"] = Qa(Whole("# qa: to do\n"), Position(1, 1), "the file is empty"),
        ["root is a list"] = Qa(Whole("- stack: pg-lab\n"), Position(1, 1), "the file must be a mapping, not a list"),
        ["syntax: tab indentation"] = Qa(Replace("  port: 5432\n", "\tport: 5432\n"), At("\tport"), "a tab in the indentation: YAML indents with spaces only (hint: replace the tab with spaces)"),
        ["syntax: unclosed quote"] = Qa(Replace("stack: pg-lab", "stack: \"pg-lab"), At("\"pg-lab"), "quoted scalar"),
        ["syntax: unclosed flow mapping"] = Qa(Replace("placement: { purpose: master }", "placement: { purpose: master"), At("{ purpose: master\n"), "this { is never closed: the file is not valid YAML"),
        ["syntax: bad indentation"] = Qa(Replace("  major: 15\n", "   major: 15\n"), After("   major"), "(hint: check the indentation and quoting on this line)"),
        ["syntax: undefined alias"] = Qa(Replace("stack: pg-lab", "stack: *name"), At("*name"), "alias *name names no anchor"),
        ["syntax: key that is a list"] = Qa(Replace("stack: pg-lab", "[stack, name]: pg-lab"), At("[stack"),
            "a key in the file is a list; keys must be plain names"),
        ["syntax: two documents"] = Qa(Append("---\nstack: pg-other\n"), At("---"),
            "a second YAML document starts here; an environment file holds one"),

        // ---- names, topology, placement ----
        ["stack name"] = Qa(Replace("stack: pg-lab", "stack: PG Lab"), Value("stack: PG Lab"), "stack name 'PG Lab' is not valid"),
        ["service name invalid"] = Qa(Replace("  - name: replica2", "  - name: Replica_2"), Value("name: Replica_2"),
            "replicas[1].name 'Replica_2' is not a valid service name"),
        ["service name twice"] = Qa(Replace("  - name: replica2", "  - name: replica1"), Value("name: replica1", 2),
            "replicas[1].name 'replica1' is used twice (hint: replicas[0].name uses it already"),
        ["primary named like a replica"] = Qa(Replace("primary:\n", "primary:\n  name: replica1\n"), Value("- name: replica1"),
            "replicas[0].name 'replica1' is used twice (hint: primary.name uses it already"),
        ["node name twice"] = Qa(Replace("  - name: node2", "  - name: node1"), Value("- name: node1", 2),
            "nodes[1].name 'node1' is used twice"),
        ["node role not a Swarm role"] = Qa(Replace("  - name: node2\n", "  - name: node2\n    role: boss\n"), Value("role: boss"),
            "nodes[1].role 'boss' is not a Swarm role (hint: write manager or worker"),
        ["slot twice"] = Qa(Replace("    slot: replica2", "    slot: replica1"), Value("slot: replica1", 2),
            "replicas[1].slot 'replica1' is used twice"),
        ["slot name invalid"] = Qa(Replace("    slot: replica2", "    slot: replica-2"), Value("slot: replica-2"),
            "replicas[1].slot 'replica-2' is not a valid replication slot name"),
        ["port twice on a node"] = Qa(Replace("lab.node: node3 }\n    port: 5434", "lab.node: node2 }\n    port: 5433"), Value("port: 5433", 2),
            "replicas[1].port 5433 is also published by 'replica1' on node node2"),
        ["port out of range"] = Qa(Replace("port: 5434", "port: 70000"), Value("port: 70000"), "replicas[1].port 70000 is not a TCP port"),
        ["placement: value no node has"] = Qa(Replace("placement: { purpose: master }", "placement: { purpose: primary }"), Value("purpose: primary"),
            "primary.placement label purpose=primary is on no node in nodes"),
        ["placement: label no node has"] = Qa(Replace("lab.node: node2 }\n    port: 5433", "lab.node: node2, zone: a }\n    port: 5433"), Value("zone: a"),
            "replicas[0].placement label zone=a is on no node in nodes"),
        ["placement: no node has all"] = Qa(Replace("placement: { purpose: worker, lab.node: node2 }", "placement: { purpose: master, lab.node: node2 }"),
            At("{ purpose: master, lab.node: node2 }"), "no single node carries all of replicas[0].placement (purpose=master, lab.node=node2)"),
        ["placement: empty"] = Qa(Replace("placement: { purpose: master }", "placement: {}"), At("{}"), "primary.placement is empty"),

        // ---- image and settings ----
        ["image: latest"] = Qa(Replace("image: swarm-pg/postgres:15-lab", "image: swarm-pg/postgres:latest"), Value("image: swarm-pg"),
            "postgres.image 'swarm-pg/postgres:latest' is not pinned"),
        ["image: no tag"] = Qa(Replace("image: swarm-pg/postgres:15-lab", "image: registry.local:5000/postgres"), Value("image: registry"),
            "postgres.image 'registry.local:5000/postgres' is not pinned"),
        ["major: does not match the tag"] = Qa(Replace("image: swarm-pg/postgres:15-lab", "image: postgres:16.4"), Value("major: 15"),
            "postgres.major 15 does not match the image tag '16.4'"),
        ["major: too old"] = Qa(Replace("image: swarm-pg/postgres:15-lab", "image: postgres:12.20").Then(Replace("major: 15", "major: 12")), Value("major: 12"),
            "postgres.major 12 is not supported (hint: use PostgreSQL 13 or newer)"),
        ["wal_level minimal"] = Qa(Replace("wal_level: replica", "wal_level: minimal"), Value("wal_level: minimal"),
            "wal_level 'minimal' cannot feed replicas"),
        ["max_wal_senders too small"] = Qa(Replace("max_wal_senders: 10", "max_wal_senders: 2"), Value("max_wal_senders: 2"),
            "max_wal_senders 2 is too small for 2 replicas (hint: set it to at least 3"),
        ["max_replication_slots too small"] = Qa(Replace("max_replication_slots: 10", "max_replication_slots: 1"), Value("max_replication_slots: 1"),
            "max_replication_slots 1 is fewer than the 2 replicas' slots"),
        ["max_slot_wal_keep_size not a size"] = Qa(Replace("max_slot_wal_keep_size: 1GB", "max_slot_wal_keep_size: 1 GB"), Value("max_slot_wal_keep_size: 1 GB"),
            "max_slot_wal_keep_size '1 GB' is not a size"),
        ["max_slot_wal_keep_size unlimited: warning"] = Qa(Replace("max_slot_wal_keep_size: 1GB", "max_slot_wal_keep_size: -1"), Value("max_slot_wal_keep_size: -1"),
            "max_slot_wal_keep_size is -1: a replica that stops can fill the primary's disk with WAL", Severity.Warning),
        ["max_slot_wal_keep_size unlimited in prod"] = Prod(Replace("max_slot_wal_keep_size: 16GB", "max_slot_wal_keep_size: -1"), Value("max_slot_wal_keep_size: -1"),
            "max_slot_wal_keep_size is -1: a replica that stops can fill the primary's disk with WAL (hint: set a size such as 16GB)"),
        ["managed setting in extra"] = Qa(Replace("      shared_buffers: 64MB", "      wal_level: logical"), Value("wal_level: logical"),
            "'wal_level' cannot be set in extra"),
        ["managed port in extra"] = Qa(Replace("      shared_buffers: 64MB", "      port: \"5555\""), Value("port: \"5555\""),
            "'port' cannot be set in extra"),
        ["setting name in extra"] = Qa(Replace("      shared_buffers: 64MB", "      Shared_Buffers: 64MB"), Value("Shared_Buffers: 64MB"),
            "'Shared_Buffers' is not a PostgreSQL setting name"),
        ["password_encryption md5"] = Qa(Replace("password_encryption: scram-sha-256", "password_encryption: md5"), Value("password_encryption: md5"),
            "password_encryption 'md5' is weaker than SCRAM"),
        ["hot_standby off: warning"] = Qa(Replace("hot_standby: true", "hot_standby: false"), Value("hot_standby: false"),
            "hot_standby is false: replicas will not answer read queries", Severity.Warning),

        // ---- swarm endpoint, secrets ----
        ["endpoint: tcp without TLS"] = Qa(Replace("endpoint: unix:///run/swarm-pg-lab/node1/docker.sock", "endpoint: tcp://192.168.77.11:2375"), Value("endpoint: tcp"),
            "swarm.endpoint 'tcp://192.168.77.11:2375' is plain TCP without TLS"),
        ["endpoint: not a Docker endpoint"] = Qa(Replace("endpoint: unix:///run/swarm-pg-lab/node1/docker.sock", "endpoint: https://192.168.77.11"), Value("endpoint: https"),
            "swarm.endpoint 'https://192.168.77.11' is not a Docker endpoint"),
        ["endpoint: both kinds"] = Qa(Replace("  endpoint: unix", "  endpoint_env: LAB_DOCKER_HOST\n  endpoint: unix"), At("swarm:"),
            "swarm needs exactly one of 'endpoint' and 'endpoint_env'"),
        ["endpoint_env: bad name"] = Prod(Replace("endpoint_env: PROD_DOCKER_HOST", "endpoint_env: docker-host"), Value("endpoint_env: docker-host"),
            "'docker-host' is not an environment variable name"),
        ["tls: two sources"] = Prod(Replace("    cert_path_env: PROD_DOCKER_CERT_PATH", "    cert_path_env: PROD_DOCKER_CERT_PATH\n    cert_path: /etc/docker/certs"), At("tls:"),
            "swarm.tls needs exactly one of 'cert_path' and 'cert_path_env'"),
        ["tls: verify off in prod"] = Prod(Replace("    cert_path_env: PROD_DOCKER_CERT_PATH", "    cert_path_env: PROD_DOCKER_CERT_PATH\n    verify: false"), Value("verify: false"),
            "swarm.tls.verify is false in a production environment"),
        ["secret: no source"] = Qa(Replace("superuser_password: { generate: true }", "superuser_password: { generate: false }"), At("{ generate: false }"),
            "secrets.superuser_password needs exactly one of env, file or generate"),
        ["secret: two sources"] = Qa(Replace("superuser_password: { generate: true }", "superuser_password: { generate: true, env: QA_PG_PASSWORD }"), At("{ generate: true, env"),
            "secrets.superuser_password needs exactly one of env, file or generate"),
        ["secret: variable name"] = Prod(Replace("env: PROD_PG_SUPERUSER_PASSWORD", "env: prod_pg_superuser_password"), Value("env: prod_pg_superuser_password"),
            "secrets.superuser_password.env (value not shown: it may be a secret) is not an environment variable name", notExpected: "prod_pg_superuser_password"),
        ["secret: one variable for both"] = Prod(Replace("env: PROD_PG_REPLICATION_PASSWORD", "env: PROD_PG_SUPERUSER_PASSWORD"), Value("env: PROD_PG_SUPERUSER_PASSWORD", 2),
            "secrets.replication_password.env names the same variable as secrets.superuser_password.env"),
        ["secret: generated in prod"] = Prod(Replace("{ env: PROD_PG_SUPERUSER_PASSWORD }", "{ generate: true }"), Value("generate: true"),
            "generated passwords are for local environments, not production"),
        ["secret: a value instead of its source"] = Qa(Replace("superuser_password: { generate: true }", "superuser_password: { value: hunter2 }"), At("value: hunter2"),
            "unknown key 'value' in 'secrets.superuser_password'"),

        // ---- networks and CIDRs ----
        ["network.subnet host bits"] = Qa(Replace("subnet: 10.201.0.0/24", "subnet: 10.201.0.1/24"), Value("subnet: 10.201.0.1/24"),
            "network.subnet '10.201.0.1/24' is not a network in CIDR form"),
        ["network.subnet mask"] = Qa(Replace("subnet: 10.201.0.0/24", "subnet: 10.201.0.0/33"), Value("subnet: 10.201.0.0/33"),
            "network.subnet '10.201.0.0/33' is not a network in CIDR form"),
        ["network.name"] = Qa(Replace("  name: pgnet", "  name: pg_net"), Value("name: pg_net"), "network.name 'pg_net' is not valid"),
        ["replication address"] = Qa(Replace("    user: replicator\n", "    user: replicator\n    address: 10.201.0.0/40\n"), Value("address: 10.201.0.0/40"),
            "'10.201.0.0/40' is not a network in CIDR form"),
        ["replication user"] = Qa(Replace("user: replicator", "user: Replicator"), Value("user: Replicator"), "'Replicator' is not a plain role name"),
        ["smoke threshold zero"] = Qa(Replace("canary_timeout_seconds: 30", "canary_timeout_seconds: 0"), Value("canary_timeout_seconds: 0"),
            "smoke.canary_timeout_seconds is 0"),
        ["deploy period negative"] = Qa(Replace("stop_grace_period_seconds: 30", "stop_grace_period_seconds: -5"), Value("stop_grace_period_seconds: -5"),
            "deploy.stop_grace_period_seconds is -5"),

        // ---- access rules: PostgreSQL's pg_hba grammar and the security policy ----
        ["rule: trust"] = Qa(Rule("scram-sha-256", "trust"), Value("method: trust"),
            "access.rules[0]: rule \"host all postgres 192.168.77.0/24 trust\" lets network clients in without any password (trust)"),
        ["rule: md5"] = Qa(Rule("scram-sha-256", "md5"), Value("method: md5"),
            "access.rules[0]: rule \"host all postgres 192.168.77.0/24 md5\" uses md5 on a network connection; passwords must use scram-sha-256"),
        ["rule: password"] = Qa(Rule("scram-sha-256", "password"), Value("method: password"),
            "access.rules[0]: rule \"host all postgres 192.168.77.0/24 password\" sends the password in clear text"),
        ["rule: any address"] = Qa(Rule("192.168.77.0/24", "0.0.0.0/0"), Value("address: 0.0.0.0/0"),
            "access.rules[0]: rule \"host all postgres 0.0.0.0/0 scram-sha-256\" accepts connections from any address (hint: Narrow the address"),
        ["rule: address all"] = Qa(Rule("192.168.77.0/24", "all"), Value("address: all"),
            "accepts connections from any address"),
        ["rule: any address in prod"] = Prod(Replace("address: 10.30.0.0/16", "address: ::/0").Then(Replace("access:\n", "access:\n  allow_any_address: true\n")), Value("address: ::/0"),
            "accepts connections from any address (hint: Production never allows rules open to any address"),
        ["rule: CIDR mask"] = Qa(Rule("192.168.77.0/24", "192.168.77.0/33"), Value("address: 192.168.77.0/33"),
            "access.rules[0]: invalid CIDR mask in address \"192.168.77.0/33\""),
        ["rule: host name with a mask"] = Qa(Rule("192.168.77.0/24", "db.example.com/24"), Value("address: db.example.com/24"),
            "access.rules[0]: specifying both host name and CIDR mask is invalid: \"db.example.com/24\""),
        ["rule: connection type"] = Qa(Rule("type: host", "type: hots"), Value("type: hots"),
            "access.rules[0]: invalid connection type \"hots\""),
        ["rule: method"] = Qa(Rule("scram-sha-256", "scram"), Value("method: scram"),
            "access.rules[0]: invalid authentication method \"scram\""),
        ["rule: cert without hostssl"] = Qa(Rule("scram-sha-256", "cert"), Value("method: cert"),
            "access.rules[0]: cert authentication is only supported on hostssl connections"),
        ["rule: peer on the network"] = Qa(Rule("scram-sha-256", "peer"), Value("method: peer"),
            "access.rules[0]: peer authentication is only supported on local sockets"),
        ["rule: option for another method"] = Qa(Rule("method: scram-sha-256", "method: scram-sha-256, options: { map: admins }"), At("admins"),
            "access.rules[0]: authentication option \"map\" is only valid for authentication methods ident, peer, gssapi, sspi, and cert"),
        ["rule: unknown option"] = Qa(Rule("method: scram-sha-256", "method: scram-sha-256, options: { sslmode: require }"), At("require"),
            "access.rules[0]: unrecognized authentication option name: \"sslmode\""),
        ["rule: ldap without a base"] = Qa(Rule("method: scram-sha-256", "method: ldap, options: { ldapserver: ldap.example.com }"), Value("method: ldap"),
            "access.rules[0]: authentication method \"ldap\" requires argument \"ldapbasedn\", \"ldapprefix\", or \"ldapsuffix\" to be set"),
        ["rule: local with an address"] = Qa(Rule("type: host", "type: local"), Value("address: 192.168.77.0/24"),
            "access.rules[0]: a local rule has no address"),
        ["rule: host without an address"] = Qa(Rule("address: 192.168.77.0/24, ", ""), At(LabRule.Replace("address: 192.168.77.0/24, ", "")),
            "access.rules[0]: a host rule needs an address", notExpected: "end-of-line"),

        // ---- image references: Docker's reference grammar, reported at postgres.image ----
        ["image: empty tag"] = Qa(Replace("image: swarm-pg/postgres:15-lab", "image: \"swarm-pg/postgres:\""), Value("image: \"swarm-pg"),
            "postgres.image has an empty tag: nothing follows the ':' after 'swarm-pg/postgres' (hint: write the tag after ':'", notExpected: "stack.yml"),
        ["image: empty tag, unquoted"] = Qa(Replace("image: swarm-pg/postgres:15-lab", "image: swarm-pg/postgres:"), At(":\n  major"),
            "a value ending with ':' starts a mapping here (hint: put the value in quotes if the ':' belongs to it, and check it: an image's tag after ':' is never empty)"),
        ["image: ${VAR} interpolation"] = Qa(Replace("image: swarm-pg/postgres:15-lab", "image: ${PG_IMAGE}"), Value("image: ${PG_IMAGE}"),
            "postgres.image uses ${PG_IMAGE}, but environment files are not interpolated: the text is taken as it is (hint: write the image reference itself"),
        ["image: upper case"] = Qa(Replace("image: swarm-pg/postgres:15-lab", "image: swarm-pg/Postgres:15-lab"), Value("image: swarm-pg/Postgres"),
            "postgres.image repository 'swarm-pg/Postgres' has upper-case letters (hint: Docker repository names are lower case: write swarm-pg/postgres)"),
        ["image: digest of the wrong length"] = Qa(Replace("image: swarm-pg/postgres:15-lab", "image: postgres@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"),
            Value("image: postgres@"), "postgres.image sha256 digest has 63 hex digits instead of 64 (hint: copy the whole digest"),
        ["image: digest algorithm"] = Qa(Replace("image: swarm-pg/postgres:15-lab", "image: postgres@md5:0123456789abcdef0123456789abcdef"), Value("image: postgres@"),
            "postgres.image digest algorithm 'md5' is not supported (hint: use a sha256 digest"),
        ["image: tag starting with '-'"] = Qa(Replace("image: swarm-pg/postgres:15-lab", "image: postgres:-15"), Value("image: postgres:-15"),
            "postgres.image tag '-15' is not a valid tag"),
        ["image: registry port"] = Qa(Replace("image: swarm-pg/postgres:15-lab", "image: registry.example.com:50o0/postgres:15"), Value("image: registry"),
            "postgres.image registry 'registry.example.com:50o0' is not a host name or address with an optional port"),

        // ---- production is said by the file (production: true), not by its name ----
        ["production: prod-eu.yml gets production's rules"] = ProdEu(Replace("{ env: PROD_PG_SUPERUSER_PASSWORD }", "{ generate: true }"), Value("generate: true"),
            "generated passwords are for local environments, not production"),
        ["production: allow_any_address"] = ProdEu(Replace("access:\n", "access:\n  allow_any_address: true\n"), Value("allow_any_address: true"),
            "access.allow_any_address is true in a production environment (hint: production never allows rules open to any address"),
        ["production: key missing"] = Qa(Replace("production: false\n", ""), At("stack: pg-lab"),
            "the file is missing required key 'production' (hint: add `production:` to the file)"),
        ["production: not true or false"] = Qa(Replace("production: false", "production: no"), Value("production: no"),
            "'production' must be true or false, got 'no'"),

        // ---- an error about a nested key points at that key ----
        ["nested: replication address open to any address"] = Qa(Replace("    user: replicator\n", "    user: replicator\n    address: 0.0.0.0/0\n"), Value("address: 0.0.0.0/0"),
            "access.replication: rule \"host replication replicator 0.0.0.0/0 scram-sha-256\" accepts connections from any address"),
        ["nested: replication from a subnet open to any address"] = Qa(Replace("subnet: 10.201.0.0/24", "subnet: 0.0.0.0/0"), Value("subnet: 0.0.0.0/0"),
            "access.replication: rule \"host replication replicator 0.0.0.0/0 scram-sha-256\" accepts connections from any address"),

        ["nested: a block section as a whole is reported at its key"] = Qa(Replace("    user: replicator\n", "    user: replicator\n    address: [10.201.0.0/24]\n"),
            Value("address: [10.201.0.0/24]"), "'access.replication.address' must be a text, not a list"),
        ["nested: a list where a mapping belongs, at its key"] = Qa(Replace("  replication:\n    user: replicator\n", "  replication:\n    - user: replicator\n"),
            At("replication:"), "'access.replication' must be a mapping, not a list"),

        // ---- unclosed flow collections, where they start ----
        ["syntax: unclosed flow mapping in a list"] = Qa(Replace("address: 172.17.0.1/32, method: scram-sha-256 }", "address: 172.17.0.1/32, method: scram-sha-256"),
            At("{ type: host, database: all, user: postgres, address: 172.17.0.1/32"), "this { is never closed: the file is not valid YAML (hint: close it with } on the same line)"),
        ["syntax: unclosed flow sequence at the end"] = Qa(Replace("  health_start_period_seconds: 120", "  health_start_period_seconds: [120, 240"), At("[120"),
            "this [ is never closed: the file is not valid YAML (hint: close it with ] on the same line)"),
        ["syntax: flow sequence closed with }"] = Qa(Replace("placement: { purpose: master }", "placement: { purpose: [master }"), At("[master"),
            "this [ is never closed"),

        // ---- empty names ----
        ["empty: stack"] = Qa(Replace("stack: pg-lab", "stack: \"\""), Value("stack: \"\""), "'stack' is empty (hint: write its value between the quotes)"),
        ["empty: primary name"] = Qa(Replace("primary:\n", "primary:\n  name: \"\"\n"), Value("name: \"\""),
            "'primary.name' is empty (hint: write its value between the quotes, or remove the key to use the default)"),
        ["empty: replica name"] = Qa(Replace("  - name: replica2", "  - name: \"\""), Value("name: \"\""), "'replicas[1].name' is empty"),
        ["empty: node name"] = Qa(Replace("  - name: node2", "  - name: ''"), Value("name: ''"), "'nodes[1].name' is empty"),
        ["empty: network name"] = Qa(Replace("  name: pgnet", "  name: \"\""), Value("name: \"\""), "'network.name' is empty", notExpected: "stack.yml"),
        ["empty: slot"] = Qa(Replace("    slot: replica2", "    slot: \"\""), Value("slot: \"\""), "'replicas[1].slot' is empty"),
        ["empty: replication user"] = Qa(Replace("user: replicator", "user: \"\""), Value("user: \"\""), "'access.replication.user' is empty"),
        ["empty: secret variable"] = Prod(Replace("env: PROD_PG_SUPERUSER_PASSWORD", "env: \"\""), Value("env: \"\""), "'secrets.superuser_password.env' is empty"),

        // ---- a value that looks like a pasted secret is never echoed ----
        ["pasted secret: wrong type under a password key"] = Qa(Replace("superuser_password: { generate: true }", $"superuser_password: {{ generate: {Pasted} }}"), At(Pasted),
            "'secrets.superuser_password.generate' must be true or false, got (value not shown: it may be a secret)", notExpected: Pasted),
        ["pasted secret: short value under a password key"] = Qa(Replace("superuser_password: { generate: true }", "superuser_password: { generate: hunter2 }"), At("hunter2"),
            "'secrets.superuser_password.generate' must be true or false, got (value not shown: it may be a secret)", notExpected: "hunter2"),
        ["pasted secret: as the variable name"] = Prod(Replace("env: PROD_PG_SUPERUSER_PASSWORD", $"env: {Pasted}"), At(Pasted),
            "secrets.superuser_password.env (value not shown: it may be a secret) is not an environment variable name", notExpected: Pasted),
        ["pasted secret: random-looking value of the wrong type"] = Qa(Replace("  port: 5432\n", "  port: 7f3a9c2e1b8d4f6a0e5c\n"), At("7f3a9c2e1b8d4f6a0e5c"),
            "'primary.port' must be a whole number, got (value not shown: it may be a secret)", notExpected: "7f3a9c2e1b8d4f6a0e5c"),
        ["pasted secret: under an unknown key"] = Qa(Replace("superuser_password: { generate: true }", $"superuser_password: {{ generate: true, password: {Pasted} }}"), At("password: Xk9"),
            "unknown key 'password' in 'secrets.superuser_password'", notExpected: Pasted),
        ["pasted secret: as a key"] = Qa(Append($"{Pasted}: true\n"), At(Pasted + ":"), "unknown key (not shown: it may be a secret) in the file", notExpected: Pasted),

        // ---- Swarm's name limits, for the names Deploy creates ----
        ["names: stack too long for a secret"] = Qa(Replace("stack: pg-lab", $"stack: {LongName("pg-lab-", 40)}"), Value("stack: pg-lab-"),
            $"stack '{LongName("pg-lab-", 40)}' makes the Swarm secret name '{LongName("pg-lab-", 40)}_replication_password_************' 74 characters long "
            + "(* stands for the fingerprint of the password that Deploy appends) (hint: Swarm allows at most 64 characters in a secret name: shorten stack by 10 or more)"),
        ["names: service name too long"] = Qa(Replace("  - name: replica2", $"  - name: {LongName("replica2-", 60)}"), Value("name: replica2-"),
            $"replicas[1].name '{LongName("replica2-", 60)}' makes the Swarm service name 'pg-lab_{LongName("replica2-", 60)}' 67 characters long "
            + "(hint: Swarm allows at most 63 characters in a service name: shorten replicas[1].name by 4 or more)"),
        ["names: network name too long"] = Qa(Replace("  name: pgnet", $"  name: {LongName("pgnet-", 60)}"), Value("name: pgnet-"),
            $"network.name '{LongName("pgnet-", 60)}' makes the Swarm network name 'pg-lab_{LongName("pgnet-", 60)}' 67 characters long "
            + "(hint: Swarm allows at most 63 characters in a network name: shorten network.name by 4 or more)"),
    };

    public static TheoryData<string> Names() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Bad_environment_file_is_reported_where_it_is_wrong(string name) => Cases[name].Check();

    [Fact]
    public void Option_values_with_commas_and_blanks_reach_pg_hba_as_one_value()
    {
        var report = ValidClean("lab", "qa", Rule("method: scram-sha-256", "method: ldap, options: { ldapserver: ldap.example.com, ldapbasedn: \"ou=db admins,dc=example,dc=com\" }"));

        Assert.Contains("ldapbasedn=\"ou=db admins,dc=example,dc=com\" ldapserver=ldap.example.com", report.Rendered!.File("pg_hba.conf").Content);
    }

    [Fact]
    public void Production_is_what_the_file_says_not_what_it_is_called() =>
        ValidClean("prod", "prod", Replace("production: true", "production: false").Then(Replace("{ env: PROD_PG_SUPERUSER_PASSWORD }", "{ generate: true }")));

    [Fact]
    public void A_reference_with_registry_port_tag_and_digest_is_valid() =>
        ValidClean("lab", "qa", Replace("image: swarm-pg/postgres:15-lab",
            "image: registry.example.com:5000/library/postgres:15.10-bookworm@sha256:" + string.Concat(Enumerable.Repeat("0123456789abcdef", 4))));

    /// <summary>Validates a shipped file with one edit, as environments/&lt;environment&gt;.yml, and requires that it passes.</summary>
    private static SwarmPgGitOps.Validation.ValidationReport ValidClean(string baseFile, string environment, Func<string, string> edit)
    {
        using var project = new ScratchProject();
        project.WriteEnvironment(environment, edit(Tests.Support.ClassicFixture.EnvironmentText(baseFile)));
        var report = project.Validate(environment);
        Assert.True(report.Passed, string.Join("\n", report.Diagnostics));
        return report;
    }

    [Fact]
    public void There_are_at_least_forty_cases() => Assert.True(Cases.Count >= 40, $"{Cases.Count} cases");
}
