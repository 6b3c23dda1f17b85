using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.Tests.Swarm;

/// <summary>Which replica updates need synchronous replication suspended on the primary (synchronous_standby_names is ANY 1 of the synchronous slots).</summary>
public sealed class SynchronousSuspensionTests
{
    private sealed record Case(string[] Synchronous, string[] Streaming, string[] Wave, string[] Later, bool Needed);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["the lone synchronous replica, streaming, is updated"] = new(["r1"], ["r1", "r2"], ["r1"], [], true),
        ["the other synchronous replica streams"] = new(["r1", "r2"], ["r1", "r2"], ["r1"], [], false),
        ["the other synchronous replica is down"] = new(["r1", "r2"], ["r1"], ["r1"], [], true),
        ["an asynchronous replica is updated"] = new(["r1"], ["r1", "r2"], ["r2"], [], false),
        ["an asynchronous replica first, the streaming synchronous one later"] = new(["r1"], ["r1", "r2"], ["r2"], ["r1"], false),
        ["an asynchronous replica first, the synchronous one cannot stream until its own later update"] = new(["r1"], ["r2"], ["r2"], ["r1"], true),
        ["the synchronous replica is down and the deploy does not update it"] = new(["r1"], ["r2"], ["r2"], [], false),
        ["no synchronous replica"] = new([], ["r1", "r2"], ["r1"], ["r2"], false),
        ["no replica updated"] = new(["r1"], ["r1"], [], [], false),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Suspends_only_when_no_synchronous_replica_outside_the_wave_would_stream(string name)
    {
        var c = Cases[name];

        var needed = SynchronousSuspension.IsNeeded(c.Synchronous.ToDictionary(s => s, s => $"slot_{s}"), c.Wave, c.Later,
            c.Streaming.Select(s => $"slot_{s}").ToHashSet());

        Assert.Equal(c.Needed, needed);
    }
}
