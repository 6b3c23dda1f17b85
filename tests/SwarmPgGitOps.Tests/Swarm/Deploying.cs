using Docker.DotNet.Models;
using SwarmPgGitOps.Secrets;
using SwarmPgGitOps.Swarm;
using SwarmPgGitOps.Tests.Drift;
using SwarmPgGitOps.Tests.Support;
using SwarmPgGitOps.Waiting;

namespace SwarmPgGitOps.Tests.Swarm;

/// <summary>The shipped lab stack deployed by the real deployer to a <see cref="FakeSwarm"/> on a fake clock.</summary>
public sealed class Deploying
{
    public const string Primary = "pg-lab_primary";
    public const string Replica1 = "pg-lab_replica1";
    public const string Replica2 = "pg-lab_replica2";
    public static readonly TimeSpan ConvergeTimeout = TimeSpan.FromSeconds(60);
    private static readonly RenderedLab Lab = new();

    public Deploying()
    {
        Swarm = new FakeSwarm(Clock);
    }

    public TestClock Clock { get; } = new();
    public FakeSwarm Swarm { get; }
    public Waiter Waiter => new(Clock);
    public List<string> Progress { get; } = [];

    /// <summary>The lab stack as rendered, with its passwords, optionally changed service by service (keys: primary, replica1, replica2).</summary>
    public static DesiredStack Desired(Action<Dictionary<string, ServiceSpec>>? change = null, string superuserPassword = "superuser-one",
        string replicationPassword = "replication-one")
    {
        var desired = Lab.Convert();
        change?.Invoke(desired.Services.ToDictionary(s => s.Key, s => s.Spec));
        return desired.WithSecretValues(new SecretValues(superuserPassword, replicationPassword));
    }

    public static Action<Dictionary<string, ServiceSpec>> Image(string image, params string[] services) =>
        specs => { foreach (var service in services) specs[service].TaskTemplate!.ContainerSpec!.Image = image; };

    public static string ImageOf(ServiceSpec spec) => spec.TaskTemplate!.ContainerSpec!.Image!;

    public static bool IsNext(ServiceSpec spec) => ImageOf(spec).EndsWith("-next", StringComparison.Ordinal);

    /// <summary>The primary's synchronous replication as the deployer sees it; none unless a test sets it.</summary>
    public ISynchronousReplication? Synchronous { get; set; }

    public Task<DeployOutcome> Deploy(DesiredStack desired, TimeSpan? convergeTimeout = null, DeployOptions? options = null,
        CancellationToken cancellation = default, Func<CancellationToken, Task>? beforeEachChange = null) =>
        Clock.Run(new SwarmDeployer(Swarm, Waiter, Report, synchronousReplication: Synchronous)
            .DeployAsync(desired, convergeTimeout ?? ConvergeTimeout, options ?? new DeployOptions(), cancellation, beforeEachChange));

    /// <summary>The lab stack deployed once; the journal starts empty after it.</summary>
    public async Task<Deploying> Deployed()
    {
        await Deploy(Desired());
        Swarm.Journal.Clear();
        Progress.Clear();
        return this;
    }

    /// <summary>The service changes in order; changes that happen together (one wave) in name order.</summary>
    public IReadOnlyList<string> ServiceJournal()
    {
        var entries = Swarm.Journal.Where(e => !e.StartsWith("create network", StringComparison.Ordinal) && !e.Contains(" secret ", StringComparison.Ordinal)).ToList();
        var normalised = new List<string>();
        foreach (var run in entries.Select((e, i) => (e, i)).GroupBy(x => Runs(entries, x.i)))
            normalised.AddRange(run.Select(x => x.e).Order(StringComparer.Ordinal));
        return normalised;
    }

    private static int Runs(List<string> entries, int index)
    {
        var run = 0;
        for (var i = 1; i <= index; i++)
            if (Verb(entries[i]) != Verb(entries[i - 1]))
                run++;
        return run;
    }

    private static string Verb(string entry) => entry.Split(' ')[0];

    public void Report(string line)
    {
        lock (Progress)
            Progress.Add(line);
    }
}
