using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SwarmPgGitOps.Swarm;

// The subset of the compose file format that rendered stacks use and the deployer supports
// (RenderedStackValidator refuses any other key). Times are compose durations ("30s"), modes octal ("0444").

public sealed class StackFile
{
    public string? Version { get; set; }
    public Dictionary<string, ComposeService> Services { get; set; } = [];
    public Dictionary<string, ComposeNetwork> Networks { get; set; } = [];
    public Dictionary<string, object?> Volumes { get; set; } = [];
    public Dictionary<string, ComposeConfig> Configs { get; set; } = [];
    public Dictionary<string, ComposeSecret> Secrets { get; set; } = [];

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    public static StackFile Parse(string yaml) => Deserializer.Deserialize<StackFile>(yaml);

    public static StackFile Load(string path) => Parse(File.ReadAllText(path));
}

public sealed class ComposeService
{
    public string Image { get; set; } = "";
    public string? Hostname { get; set; }
    public List<string> Command { get; set; } = [];
    public Dictionary<string, string> Environment { get; set; } = [];
    public List<ComposeFileReference> Configs { get; set; } = [];
    public List<ComposeFileReference> Secrets { get; set; } = [];
    public List<string> Volumes { get; set; } = [];
    public List<string> Networks { get; set; } = [];
    public List<ComposePort> Ports { get; set; } = [];
    public string? StopSignal { get; set; }
    public string? StopGracePeriod { get; set; }
    public ComposeHealthcheck? Healthcheck { get; set; }
    public ComposeDeploy Deploy { get; set; } = new();
}

/// <summary>A config or secret a service mounts; unset uid, gid and mode default as in `docker stack deploy`.</summary>
public sealed class ComposeFileReference
{
    public string Source { get; set; } = "";
    public string Target { get; set; } = "";
    public string Uid { get; set; } = "0";
    public string Gid { get; set; } = "0";
    public string Mode { get; set; } = "0444";
}

public sealed class ComposePort
{
    public int Target { get; set; }
    public int Published { get; set; }
    public string Protocol { get; set; } = "tcp";
    public string Mode { get; set; } = "host";
}

public sealed class ComposeHealthcheck
{
    public List<string> Test { get; set; } = [];
    public string? Interval { get; set; }
    public string? Timeout { get; set; }
    public int Retries { get; set; }
    public string? StartPeriod { get; set; }
}

public sealed class ComposeDeploy
{
    public string Mode { get; set; } = "replicated";
    public int Replicas { get; set; } = 1;
    public string EndpointMode { get; set; } = "vip";
    public ComposePlacement Placement { get; set; } = new();
    public ComposeUpdateConfig? UpdateConfig { get; set; }
    public ComposeUpdateConfig? RollbackConfig { get; set; }
    public ComposeRestartPolicy? RestartPolicy { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];
}

public sealed class ComposePlacement
{
    public List<string> Constraints { get; set; } = [];
}

public sealed class ComposeUpdateConfig
{
    public int Parallelism { get; set; } = 1;
    public string? Order { get; set; }
    public string? FailureAction { get; set; }
    public string? Monitor { get; set; }
    public string? Delay { get; set; }
}

public sealed class ComposeRestartPolicy
{
    public string Condition { get; set; } = "any";
    public string? Delay { get; set; }
}

public sealed class ComposeNetwork
{
    public string Driver { get; set; } = "overlay";
    public ComposeIpam? Ipam { get; set; }
    /// <summary>driver_opts: for an overlay, `encrypted` turns on Swarm's IPsec between nodes.</summary>
    public Dictionary<string, string> DriverOpts { get; set; } = [];
}

public sealed class ComposeIpam
{
    public List<Dictionary<string, string>> Config { get; set; } = [];
}

public sealed class ComposeConfig
{
    public string Name { get; set; } = "";
    public string File { get; set; } = "";
}

public sealed class ComposeSecret
{
    public string Name { get; set; } = "";
    public bool External { get; set; }
}
