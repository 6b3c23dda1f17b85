using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using SwarmPgGitOps.Swarm;
using TaskStatus = Docker.DotNet.Models.TaskStatus;
using VersionInfo = Docker.DotNet.Models.Version;

namespace SwarmPgGitOps.Tests.Swarm;

/// <summary>What becomes of the tasks Swarm starts for a service spec.</summary>
public enum TaskFate
{
    /// <summary>Starts, and runs (healthy) after a few looks.</summary>
    Runs,
    /// <summary>Fails after a few looks; Swarm starts another, which fails too.</summary>
    Fails,
    /// <summary>Stays starting for ever (a node that is gone, a health check that never passes).</summary>
    Hangs,
    /// <summary>Waits for a node for ever: its placement fits only a node that is down (Swarm's "no suitable node").</summary>
    Unplaceable,
    /// <summary>Swarm's own update failure action: it starts rolling the service back, and completes after a few looks.</summary>
    SwarmRollsBack,
    /// <summary>Runs, then fails while Swarm monitors the update (<see cref="FakeSwarm.MonitorLooks"/>): Swarm rolls the service back.</summary>
    FailsWhileMonitored,
    /// <summary>A one-shot task (a job): runs its command and exits 0 after a few looks.</summary>
    Completes,
}

/// <summary>
/// An in-memory swarm manager for unit tests. Like a real manager it stamps objects with its own clock (which may differ
/// from the runner's) and with store versions (one counter for every write), returns fresh objects on every read, and
/// refuses an update sent against an old version as "out of sequence". <see cref="Journal"/> lists what changed, and
/// when a service's tasks came up, in order.
/// </summary>
public sealed class FakeSwarm(TimeProvider runnerClock) : ISwarmApi
{
    private const int LooksToStart = 2;
    public const string UnplaceableError = "no suitable node (1 node not available for new tasks; scheduling constraints not satisfied on 2 nodes)";
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeService> _services = [];
    private readonly List<FakeTask> _tasks = [];
    private readonly List<SwarmConfig> _configs = [];
    private readonly List<Secret> _secrets = [];
    private readonly List<NetworkResponse> _networks = [];
    private ulong _index = 10;
    private int _ids;

    public List<string> Journal { get; } = [];

    /// <summary>How far the manager's clock is from the runner's (negative: the runner is ahead).</summary>
    public TimeSpan ManagerClockOffset { get; set; }

    public string ApiVersion { get; set; } = "1.47";
    public bool IsManager { get; set; } = true;
    public Exception? Unreachable { get; set; }

    /// <summary>
    /// Called while a change is on its way to the manager. A request whose caller gives up then (cancels) is still applied
    /// by the manager, like a real one whose HTTP request was already sent, but only after the next read of a service.
    /// </summary>
    public Action<string>? WhileSending { get; set; }

    /// <summary>A change the manager applied whose answer never reached the caller (a client timeout): the exception it gets instead.</summary>
    public Func<string, Exception?>? LostAnswer { get; set; }

    private Action? _landsAfterNextRead;

    public List<NodeListResponse> Nodes { get; } =
    [
        Node("n1", "node1", "manager", new() { ["purpose"] = "master", ["lab.node"] = "node1" }),
        Node("n2", "node2", "worker", new() { ["purpose"] = "worker", ["lab.node"] = "node2" }),
        Node("n3", "node3", "worker", new() { ["purpose"] = "worker", ["lab.node"] = "node3" }),
    ];

    /// <summary>The node whose engine the endpoint talks to.</summary>
    public string LocalNodeId { get; set; } = "n1";

    /// <summary>Where Swarm schedules the tasks of a service spec; node1 unless told otherwise.</summary>
    public Func<ServiceSpec, string> Placement { get; set; } = _ => "n1";

    /// <summary>Decides what the tasks of a service spec do; every task runs unless told otherwise.</summary>
    public Func<string, ServiceSpec, TaskFate> Fate { get; set; } = (_, _) => TaskFate.Runs;

    /// <summary>
    /// How many inspections of an updated service its update stays "updating" after its new tasks run: Swarm's monitor
    /// time. 0: the update completes as they run.
    /// </summary>
    public int MonitorLooks { get; set; }

    /// <summary>Called before a config is created, as if another runner acted in between.</summary>
    public Action<SwarmConfigSpec>? BeforeCreateConfig { get; set; }

    /// <summary>
    /// Asked before each service create, update and remove and each config create and remove, with what it would journal ("update
    /// pg-lab_primary", "remove config pg-lab_deploy_lock"): an error it returns is the engine's answer, and nothing changes.
    /// </summary>
    public Func<string, Exception?> Refuse { get; set; } = _ => null;

    /// <summary>So many next updates are refused as out of sequence, each after Swarm itself changed the service.</summary>
    public int OutOfSequenceUpdates { get; set; }

    public int UpdateAttempts { get; private set; }

    private DateTime ManagerNow => runnerClock.GetUtcNow().UtcDateTime + ManagerClockOffset;

    public static NodeListResponse Node(string id, string hostname, string role, Dictionary<string, string> labels) => new()
    {
        ID = id,
        Description = new NodeDescription { Hostname = hostname },
        Spec = new NodeUpdateParameters { Role = role, Availability = "active", Labels = labels },
        Status = new NodeStatus { State = "ready" },
    };

    /// <summary>A deploy lock made by another run: with a lease term, or without one (made before leases).</summary>
    public SwarmConfig AddConfig(string name, string holderLabel, DateTime createdAt, int? leaseSeconds = null)
    {
        lock (_gate)
        {
            var labels = new Dictionary<string, string> { [StackLabels.Lock] = holderLabel };
            if (leaseSeconds is { } seconds)
                labels[StackLabels.LeaseSeconds] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var config = new SwarmConfig { ID = NewId("cfg"), CreatedAt = createdAt, Spec = new SwarmConfigSpec { Name = name, Labels = labels } };
            _configs.Add(config);
            return config;
        }
    }

    public IReadOnlyList<string> ConfigNames() { lock (_gate) return _configs.Select(c => c.Spec.Name!).ToList(); }

    public IReadOnlyList<string> SecretNames() { lock (_gate) return _secrets.Select(c => c.Spec.Name!).ToList(); }

    public ServiceSpec SpecOf(string name) { lock (_gate) return _services.Values.Single(s => s.Spec.Name == name).Spec; }

    public void RemoveService(string name) { lock (_gate) _services.Remove(_services.Values.Single(s => s.Spec.Name == name).Id); }

    public Task<VersionResponse> GetVersionAsync(CancellationToken cancellation) =>
        Unreachable is { } error ? Task.FromException<VersionResponse>(error) : Task.FromResult(new VersionResponse { APIVersion = ApiVersion });

    public Task<SystemInfoResponse> GetSystemInfoAsync(CancellationToken cancellation) => Task.FromResult(new SystemInfoResponse
    {
        Name = Nodes.First(n => n.ID == LocalNodeId).Description?.Hostname ?? "",
        Swarm = new Info { ControlAvailable = IsManager, LocalNodeState = IsManager ? "active" : "inactive", NodeID = LocalNodeId },
        SystemTime = ManagerNow.ToString("O"),
    });

    public Task<IReadOnlyList<NodeListResponse>> ListNodesAsync(CancellationToken cancellation) => Task.FromResult<IReadOnlyList<NodeListResponse>>(Nodes.ToList());

    public Task<IReadOnlyList<NetworkResponse>> ListNetworksAsync(CancellationToken cancellation)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<NetworkResponse>>(_networks.Select(n => new NetworkResponse { ID = n.ID, Name = n.Name }).ToList());
    }

    public Task CreateNetworkAsync(NetworksCreateParameters network, CancellationToken cancellation)
    {
        lock (_gate)
        {
            _networks.Add(new NetworkResponse { ID = NewId("net"), Name = network.Name });
            Journal.Add($"create network {network.Name}");
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SwarmConfig>> ListConfigsAsync(CancellationToken cancellation)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<SwarmConfig>>(_configs.Select(c => new SwarmConfig { ID = c.ID, CreatedAt = c.CreatedAt, Spec = c.Spec }).ToList());
    }

    public Task<string> CreateConfigAsync(SwarmConfigSpec config, CancellationToken cancellation)
    {
        BeforeCreateConfig?.Invoke(config);
        lock (_gate)
        {
            if (Refuse($"create config {config.Name}") is { } refused)
                return Task.FromException<string>(refused);
            if (_configs.Any(c => c.Spec.Name == config.Name))
                return Task.FromException<string>(new DockerApiException(HttpStatusCode.Conflict, $"rpc error: code = AlreadyExists desc = config {config.Name} already exists"));
            var created = new SwarmConfig { ID = NewId("cfg"), CreatedAt = ManagerNow, Spec = config };
            _configs.Add(created);
            return Task.FromResult(created.ID);
        }
    }

    public Task RemoveConfigAsync(string id, CancellationToken cancellation)
    {
        lock (_gate)
        {
            if (_configs.FirstOrDefault(c => c.ID == id) is { } config && Refuse($"remove config {config.Spec.Name}") is { } refused)
                return Task.FromException(refused);
            return _configs.RemoveAll(c => c.ID == id) == 0 ? Task.FromException(NotFound(id)) : Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<Secret>> ListSecretsAsync(CancellationToken cancellation)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<Secret>>(_secrets.Select(s => new Secret { ID = s.ID, Spec = new SwarmSecretSpec { Name = s.Spec.Name, Labels = s.Spec.Labels } }).ToList());
    }

    public Task<string> CreateSecretAsync(SwarmSecretSpec secret, CancellationToken cancellation)
    {
        lock (_gate)
        {
            var created = new Secret { ID = NewId("sec"), Spec = secret };
            _secrets.Add(created);
            Journal.Add($"create secret {secret.Name}");
            return Task.FromResult(created.ID);
        }
    }

    public Task RemoveSecretAsync(string id, CancellationToken cancellation)
    {
        lock (_gate)
        {
            var secret = _secrets.Single(s => s.ID == id);
            _secrets.Remove(secret);
            Journal.Add($"remove secret {secret.Spec.Name}");
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<SwarmService>> ListServicesAsync(string stack, CancellationToken cancellation)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<SwarmService>>(_services.Values
                .Where(s => s.Spec.Labels is { } labels && labels.TryGetValue(StackLabels.Namespace, out var owner) && owner == stack).Select(s => s.Read()).ToList());
    }

    public Task<SwarmService> InspectServiceAsync(string idOrName, CancellationToken cancellation)
    {
        lock (_gate)
        {
            if (Find(idOrName) is not { } service)
                return Task.FromException<SwarmService>(NotFound(idOrName));
            if (service.MonitorLooksLeft > 0 && --service.MonitorLooksLeft == 0)
                EndMonitor(service);
            if (service.RollbackLooksLeft > 0 && --service.RollbackLooksLeft == 0)
            {
                service.Spec = service.PreviousSpec!;
                service.UpdateStatus = new UpdateStatus { State = "rollback_completed", Message = "rollback completed" };
                Touch(service);
                Journal.Add($"swarm rolled back {service.Spec.Name}");
            }
            var read = service.Read();
            var landing = _landsAfterNextRead;
            _landsAfterNextRead = null;
            landing?.Invoke();
            return Task.FromResult(read);
        }
    }

    public Task CreateServiceAsync(ServiceSpec spec, CancellationToken cancellation)
    {
        lock (_gate)
        {
            if (Refuse($"create {spec.Name}") is { } refused)
                return Task.FromException(refused);
            var service = new FakeService(NewId("svc"), spec, ManagerNow);
            _services[service.Id] = service;
            Touch(service);
            Journal.Add($"create {spec.Name}");
            StartTasks(service);
        }
        return LostAnswer?.Invoke($"create {spec.Name}") is { } lost ? Task.FromException(lost) : Task.CompletedTask;
    }

    public Task UpdateServiceAsync(string id, ServiceSpec spec, ulong version, CancellationToken cancellation)
    {
        lock (_gate)
        {
            UpdateAttempts++;
            var service = _services[id];
            if (Refuse($"update {spec.Name}") is { } refused)
                return Task.FromException(refused);
            if (OutOfSequenceUpdates > 0)
            {
                OutOfSequenceUpdates--;
                Touch(service); // Swarm changed the service since it was read
            }
            if (version != service.Version)
                return Task.FromException(new DockerApiException(HttpStatusCode.InternalServerError, "rpc error: code = Unknown desc = update out of sequence"));
            WhileSending?.Invoke($"update {spec.Name}");
            if (cancellation.IsCancellationRequested)
            {
                _landsAfterNextRead = () => ApplyUpdate(service, spec);
                return Task.FromCanceled(cancellation);
            }
            ApplyUpdate(service, spec);
        }
        return Task.CompletedTask;
    }

    private void ApplyUpdate(FakeService service, ServiceSpec spec)
    {
        lock (_gate)
        {
            service.PreviousSpec = service.Spec;
            service.Spec = spec;
            service.UpdateStatus = new UpdateStatus { State = "updating", StartedAt = ManagerNow, Message = "update in progress" };
            Touch(service);
            Journal.Add($"update {spec.Name}");
            foreach (var old in _tasks.Where(t => t.ServiceId == service.Id && t.Task.DesiredState == TaskState.Running))
                Change(old, TaskState.Shutdown, TaskState.Shutdown);
            StartTasks(service);
        }
    }

    public Task RemoveServiceAsync(string id, CancellationToken cancellation)
    {
        lock (_gate)
        {
            // An ID or a name, as Docker takes either.
            id = Find(id)?.Id ?? id;
            if (Refuse($"remove {_services[id].Spec.Name}") is { } refused)
                return Task.FromException(refused);
            Journal.Add($"remove {_services[id].Spec.Name}");
            _services.Remove(id);
            foreach (var task in _tasks.Where(t => t.ServiceId == id))
                Change(task, TaskState.Shutdown, TaskState.Shutdown);
        }
        return Task.CompletedTask;
    }

    /// <summary>Each look moves starting tasks on: after a few looks they run, fail, or Swarm starts its rollback.</summary>
    public Task<IReadOnlyList<TaskResponse>> ListTasksAsync(string service, CancellationToken cancellation)
    {
        lock (_gate)
        {
            var found = Find(service);
            var tasks = _tasks.Where(t => t.ServiceId == found?.Id).ToList();
            foreach (var task in tasks.Where(t => t.Task.DesiredState == TaskState.Running && t.Task.Status!.State == TaskState.Starting && --t.LooksLeft == 0))
                Settle(found!, task);
            return Task.FromResult<IReadOnlyList<TaskResponse>>(_tasks.Where(t => t.ServiceId == found?.Id).Select(t => t.Read()).ToList());
        }
    }

    /// <summary>Tasks of removed services too, until they have shut down, as a manager keeps them.</summary>
    public Task<IReadOnlyList<TaskResponse>> ListAllTasksAsync(CancellationToken cancellation)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<TaskResponse>>(_tasks.Select(t => t.Read()).ToList());
    }

    public Task<string> ServiceLogTailAsync(string serviceId, int lines, CancellationToken cancellation) =>
        Task.FromResult($"log of {_services[serviceId].Spec.Name}\n");

    public Task<(string Stdout, string Stderr)> ServiceOutputAsync(string serviceId, CancellationToken cancellation)
    {
        lock (_gate)
            return Task.FromResult(($"output of {Find(serviceId)!.Spec.Name}\n", ""));
    }

    /// <summary>Swarm's monitor time is over: the update completes, or, for a task that failed meanwhile, Swarm rolls it back.</summary>
    private void EndMonitor(FakeService service)
    {
        if (service.FailsWhileMonitored)
        {
            service.UpdateStatus = new UpdateStatus { State = "rollback_started", Message = "update rolled back due to failure or early termination of task" };
            service.RollbackLooksLeft = 3;
            Journal.Add($"failed while monitored {service.Spec.Name}");
        }
        else
        {
            service.UpdateStatus = new UpdateStatus { State = "completed", Message = "update completed" };
            Journal.Add($"update completed {service.Spec.Name}");
        }
        Touch(service);
    }

    private void Settle(FakeService service, FakeTask task)
    {
        switch (Fate(service.Spec.Name!, task.Spec))
        {
            case TaskFate.Runs or TaskFate.FailsWhileMonitored:
                Change(task, TaskState.Running, TaskState.Running);
                if (_tasks.Where(t => t.ServiceId == service.Id && t.Task.DesiredState == TaskState.Running).All(t => t.Task.Status!.State == TaskState.Running))
                {
                    Journal.Add($"running {service.Spec.Name}");
                    if (service.UpdateStatus?.State == "updating")
                    {
                        service.FailsWhileMonitored = Fate(service.Spec.Name!, task.Spec) == TaskFate.FailsWhileMonitored;
                        service.MonitorLooksLeft = Math.Max(MonitorLooks, service.FailsWhileMonitored ? 1 : 0);
                        if (service.MonitorLooksLeft == 0)
                            service.UpdateStatus = new UpdateStatus { State = "completed", Message = "update completed" };
                    }
                }
                break;
            case TaskFate.Fails:
                task.Task.Status!.Err = "task: non-zero exit (1)";
                Change(task, TaskState.Shutdown, TaskState.Failed);
                StartTask(service);
                break;
            case TaskFate.SwarmRollsBack:
                service.UpdateStatus = new UpdateStatus { State = "rollback_started", Message = "update paused due to failure or early termination of task" };
                service.RollbackLooksLeft = 3;
                Touch(service);
                break;
            case TaskFate.Hangs:
                task.LooksLeft = int.MaxValue;
                break;
            case TaskFate.Completes:
                Change(task, TaskState.Shutdown, TaskState.Complete);
                break;
            case TaskFate.Unplaceable:
                task.LooksLeft = int.MaxValue;
                task.Task.NodeID = null;
                task.Task.Status!.Err = UnplaceableError;
                Change(task, TaskState.Running, TaskState.Pending);
                break;
        }
    }

    private void StartTasks(FakeService service)
    {
        for (var i = 0ul; i < (service.Spec.Mode?.Replicated?.Replicas ?? 1); i++)
            StartTask(service);
    }

    private void StartTask(FakeService service)
    {
        var task = new FakeTask(service.Id, service.Spec, new TaskResponse
        {
            ID = NewId("task"),
            ServiceID = service.Id,
            NodeID = Placement(service.Spec),
            CreatedAt = ManagerNow,
            DesiredState = TaskState.Running,
            Status = new TaskStatus { State = TaskState.Starting },
        });
        _tasks.Add(task);
        Change(task, TaskState.Running, TaskState.Starting);
    }

    private void Change(FakeTask task, TaskState desired, TaskState state)
    {
        task.Task.DesiredState = desired;
        task.Task.Status!.State = state;
        task.Task.UpdatedAt = ManagerNow;
        task.Task.Version = new VersionInfo { Index = ++_index };
    }

    private void Touch(FakeService service)
    {
        service.Version = ++_index;
        service.UpdatedAt = ManagerNow;
    }

    private FakeService? Find(string idOrName) =>
        _services.GetValueOrDefault(idOrName) ?? _services.Values.FirstOrDefault(s => s.Spec.Name == idOrName);

    private string NewId(string kind) => $"{kind}-{++_ids}";

    private static DockerApiException NotFound(string what) => new(HttpStatusCode.NotFound, $"{what} not found");

    private sealed class FakeService(string id, ServiceSpec spec, DateTime createdAt)
    {
        public string Id { get; } = id;
        public ServiceSpec Spec { get; set; } = spec;
        public ServiceSpec? PreviousSpec { get; set; }
        public ulong Version { get; set; }
        public DateTime UpdatedAt { get; set; }
        public UpdateStatus? UpdateStatus { get; set; }
        public int RollbackLooksLeft { get; set; }
        public int MonitorLooksLeft { get; set; }
        public bool FailsWhileMonitored { get; set; }

        public SwarmService Read() => new()
        {
            ID = Id,
            Spec = Spec,
            PreviousSpec = PreviousSpec,
            Version = new VersionInfo { Index = Version },
            CreatedAt = createdAt,
            UpdatedAt = UpdatedAt,
            UpdateStatus = UpdateStatus is { } u ? new UpdateStatus { State = u.State, Message = u.Message, StartedAt = u.StartedAt } : null,
        };
    }

    private sealed class FakeTask(string serviceId, ServiceSpec spec, TaskResponse task)
    {
        public string ServiceId { get; } = serviceId;
        public ServiceSpec Spec { get; } = spec;
        public TaskResponse Task { get; } = task;
        public int LooksLeft { get; set; } = LooksToStart;

        public TaskResponse Read() => new()
        {
            ID = Task.ID,
            ServiceID = Task.ServiceID,
            NodeID = Task.NodeID,
            CreatedAt = Task.CreatedAt,
            UpdatedAt = Task.UpdatedAt,
            DesiredState = Task.DesiredState,
            Version = new VersionInfo { Index = Task.Version!.Index },
            Status = new TaskStatus
            {
                State = Task.Status!.State,
                Err = Task.Status!.Err,
                ContainerStatus = Task.Status.State == TaskState.Running ? new ContainerStatus { ContainerID = $"container-of-{Task.ID}" } : null,
            },
        };
    }
}
