using System.Text;
using System.Globalization;
using Docker.DotNet.Models;
using SwarmPgGitOps.Rendering;

namespace SwarmPgGitOps.Swarm;

/// <summary>
/// Turns a rendered stack.yml into Docker API objects the way `docker stack deploy` does (same names, labels and
/// spec fields), so that a stack deployed by hand from the same file is recognised and adopted as it is.
/// </summary>
public static class StackConverter
{
    /// <summary>
    /// The rendered stack.yml as Swarm objects, taken from the rendering rather than read back from <paramref name="directory"/>,
    /// where it was written: the config files stack.yml names are relative to that folder (`./pg_hba.conf`).
    /// </summary>
    public static DesiredStack FromRendered(RenderedEnvironment rendered, string directory)
    {
        byte[] ConfigFile(string path)
        {
            var full = Path.GetFullPath(path, directory);
            return Encoding.UTF8.GetBytes(rendered.Files.Single(f => Path.Combine(directory, f.Name) == full).Content);
        }
        return Convert(StackFile.Parse(rendered.File("stack.yml").Content), rendered.Stack, ConfigFile);
    }

    /// <param name="directory">The folder the stack's config files are in, as `docker stack deploy` reads them.</param>
    public static DesiredStack Convert(StackFile file, string stack, string directory) =>
        Convert(file, stack, name => File.ReadAllBytes(Path.Combine(directory, name)));

    /// <param name="configFile">The content of the config file stack.yml names (for a stack rendered in memory).</param>
    public static DesiredStack Convert(StackFile file, string stack, Func<string, byte[]> configFile)
    {
        var networks = file.Networks.Select(n => new DesiredNetwork(StackLabels.Scoped(stack, n.Key), new NetworksCreateParameters
        {
            Name = StackLabels.Scoped(stack, n.Key),
            Driver = n.Value.Driver,
            Scope = "swarm",
            Labels = StackLabels.For(stack),
            Options = n.Value.DriverOpts.Count > 0 ? n.Value.DriverOpts : null,
            IPAM = n.Value.Ipam is { Config.Count: > 0 } ipam
                ? new IPAM { Driver = "default", Config = ipam.Config.Select(c => new IPAMConfig { Subnet = c["subnet"] }).ToList() }
                : null,
        })).ToList();

        var configs = file.Configs.Select(c => new DesiredConfig(c.Key, Name(stack, c.Key, c.Value.Name),
            configFile(c.Value.File))).ToList();
        var secrets = file.Secrets.Select(s => new DesiredSecret(s.Key, Name(stack, s.Key, s.Value.Name))).ToList();

        var configNames = configs.ToDictionary(c => c.Key, c => c.Name);
        var secretNames = secrets.ToDictionary(s => s.Key, s => s.Name);
        var services = file.Services.Select(s => new DesiredService(s.Key, StackLabels.Scoped(stack, s.Key),
            s.Value.Deploy.Labels.GetValueOrDefault(StackLabels.Role, "service"),
            ServiceSpec(stack, s.Key, s.Value, configNames, secretNames))).ToList();
        return new DesiredStack(stack, networks, configs, secrets, services);
    }

    private static string Name(string stack, string key, string explicitName) =>
        string.IsNullOrEmpty(explicitName) ? StackLabels.Scoped(stack, key) : explicitName;

    private static ServiceSpec ServiceSpec(string stack, string key, ComposeService service,
        IReadOnlyDictionary<string, string> configNames, IReadOnlyDictionary<string, string> secretNames)
    {
        var labels = new Dictionary<string, string>(service.Deploy.Labels) { [StackLabels.Namespace] = stack, [StackLabels.Image] = service.Image };
        return new ServiceSpec
        {
            Name = StackLabels.Scoped(stack, key),
            Labels = labels,
            TaskTemplate = new TaskSpec
            {
                ContainerSpec = new ContainerSpec
                {
                    Image = service.Image,
                    Hostname = service.Hostname,
                    Labels = StackLabels.For(stack),
                    Args = service.Command.Count > 0 ? service.Command : null,
                    Env = service.Environment.Count > 0 ? service.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}").ToList() : null,
                    Mounts = service.Volumes.Select(v => Mount(stack, v)).ToList(),
                    StopSignal = service.StopSignal,
                    StopGracePeriod = ComposeDuration.Parse(service.StopGracePeriod),
                    Healthcheck = service.Healthcheck is { } h
                        ? new HealthcheckConfig
                        {
                            Test = h.Test,
                            Interval = ComposeDuration.Parse(h.Interval),
                            Timeout = ComposeDuration.Parse(h.Timeout),
                            Retries = h.Retries,
                            StartPeriod = ComposeDuration.Parse(h.StartPeriod),
                        }
                        : null,
                    Configs = service.Configs.Select(c => new SwarmConfigReference
                    {
                        ConfigName = configNames[c.Source],
                        File = new ConfigReferenceFileTarget { Name = c.Target, UID = c.Uid, GID = c.Gid, Mode = Mode(c.Mode) },
                    }).ToList(),
                    Secrets = service.Secrets.Select(s => new SecretReference
                    {
                        SecretName = secretNames[s.Source],
                        File = new SecretReferenceFileTarget { Name = s.Target, UID = s.Uid, GID = s.Gid, Mode = Mode(s.Mode) },
                    }).ToList(),
                },
                RestartPolicy = service.Deploy.RestartPolicy is { } r
                    ? new SwarmRestartPolicy { Condition = r.Condition, Delay = ComposeDuration.Parse(r.Delay) }
                    : null,
                Placement = new Placement { Constraints = service.Deploy.Placement.Constraints },
                Networks = service.Networks.Select(n => new NetworkAttachmentConfig { Target = StackLabels.Scoped(stack, n), Aliases = [key] }).ToList(),
            },
            Mode = service.Deploy.Mode == "global"
                ? new ServiceMode { Global = new GlobalService() }
                : new ServiceMode { Replicated = new ReplicatedService { Replicas = (ulong)service.Deploy.Replicas } },
            UpdateConfig = UpdateConfig(service.Deploy.UpdateConfig),
            RollbackConfig = UpdateConfig(service.Deploy.RollbackConfig),
            EndpointSpec = new EndpointSpec
            {
                Mode = service.Deploy.EndpointMode,
                Ports = service.Ports.Select(p => new PortConfig
                {
                    Protocol = p.Protocol,
                    TargetPort = (uint)p.Target,
                    PublishedPort = (uint)p.Published,
                    PublishMode = p.Mode == "host" ? "host" : "ingress",
                }).ToList(),
            },
        };
    }

    private static SwarmUpdateConfig? UpdateConfig(ComposeUpdateConfig? config) => config is null
        ? null
        : new SwarmUpdateConfig
        {
            Parallelism = (ulong)config.Parallelism,
            Order = config.Order ?? "stop-first",
            FailureAction = config.FailureAction ?? "pause",
            Monitor = ComposeDuration.Parse(config.Monitor),
            Delay = ComposeDuration.Parse(config.Delay),
        };

    private static Mount Mount(string stack, string volume)
    {
        var parts = volume.Split(':');
        return new Mount
        {
            Type = "volume",
            Source = StackLabels.Scoped(stack, parts[0]),
            Target = parts[1],
            VolumeOptions = new VolumeOptions { Labels = StackLabels.For(stack) },
        };
    }

    /// <summary>A compose file mode: octal with a leading zero ("0400", as YAML 1.1 reads it), else decimal.</summary>
    public static uint Mode(string mode) =>
        mode.StartsWith('0') && mode.Length > 1 ? System.Convert.ToUInt32(mode, 8) : uint.Parse(mode, CultureInfo.InvariantCulture);
}
