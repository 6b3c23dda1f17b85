using System.Globalization;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace SwarmPgGitOps.Swarm;

/// <summary>
/// A stack's deploy lock as it stands on the swarm: who holds it, its term, and how long ago it was last renewed, all by
/// the manager's clock (when it stamped the lock or its newest renewal, and its time now), so runners' clocks play no part.
/// A lock without a term was made before leases and never expires.
/// </summary>
internal sealed record Lease(string Id, string Holder, DateTime Since, TimeSpan? Term, TimeSpan Age, IReadOnlyList<string> RenewalIds)
{
    public bool HasExpired => Term is { } term && Age > term;

    public override string ToString() => $"{Holder} since {Since:u}";

    public static async Task<Lease?> ReadAsync(ISwarmApi swarm, string stack, CancellationToken cancellation)
    {
        var configs = await swarm.ListConfigsAsync(cancellation);
        if (configs.FirstOrDefault(c => c.Spec.Name == DeployLock.NameFor(stack)) is not { } held)
            return null;
        var renewals = configs.Where(c => LeaseRenewals.IsRenewalOf(c, held.ID)).ToList();
        var since = Utc(held.CreatedAt);
        var lastRenewed = renewals.Select(r => Utc(r.CreatedAt)).Append(since).Max();
        var managerNow = ManagerTime(await swarm.GetSystemInfoAsync(cancellation));
        var labels = held.Spec.Labels ?? new Dictionary<string, string>();
        var holder = labels.TryGetValue(StackLabels.Lock, out var h) ? h : "an unknown holder";
        var term = labels.TryGetValue(StackLabels.LeaseSeconds, out var seconds) && double.TryParse(seconds, CultureInfo.InvariantCulture, out var s)
            ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        return new Lease(held.ID, holder, since, term, managerNow - lastRenewed, renewals.Select(r => r.ID).ToList());
    }

    /// <summary>Removes the lock and its renewals; what is gone already (another run was quicker) is no error.</summary>
    public async Task RemoveAsync(ISwarmApi swarm, CancellationToken cancellation)
    {
        foreach (var id in RenewalIds.Prepend(Id))
            await RemoveConfigIfThere(swarm, id, cancellation);
    }

    public static async Task RemoveConfigIfThere(ISwarmApi swarm, string id, CancellationToken cancellation)
    {
        try
        {
            await swarm.RemoveConfigAsync(id, cancellation);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    private static DateTime Utc(DateTime? time) =>
        time is { Kind: DateTimeKind.Local } local ? local.ToUniversalTime() : DateTime.SpecifyKind(time.GetValueOrDefault(), DateTimeKind.Utc);

    private static DateTime ManagerTime(SystemInfoResponse info) =>
        DateTime.Parse(info.SystemTime, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
