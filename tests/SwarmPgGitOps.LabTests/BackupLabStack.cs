using SwarmPgGitOps.Backup;
using SwarmPgGitOps.Pipeline;
using SwarmPgGitOps.Swarm;

namespace SwarmPgGitOps.LabTests;

/// <summary>
/// The lab environment with its backup repository (pg-hb, members at 5542-5544, HAProxy at 5547 and 5548, subnet
/// 10.214.0.0/24; the repository on node2; Patroni's fastest timing, for the failover), and a second environment in the same scratch project, `restored`
/// (pg-hbr: one member, pg1 at 5552, and one etcd member, 10.215.0.0/24, no HAProxy, no backups), that restores go
/// into: the restore is the same for one member or three, and one starts faster. Both stacks are removed afterwards.
/// </summary>
public sealed class BackupLabStack() : PatroniLabStack("pg-hb", 5542, 214, backup: true, FastestTiming)
{
    public const string Restored = "restored";
    public const string RestoredStack = "pg-hbr";
    public const int RestoredFirstPort = 5552;

    public Task Backup(string type) => new BackupStep(Layout, LabStack.PlainConsole(Output)).RunAsync("lab", type);

    public Task<DrillReport> RestoreDrill() => new RestoreDrillStep(Layout, LabStack.PlainConsole(Output)).RunAsync("lab");

    /// <summary>Restore into `restored` (written now from the lab file) to a timestamp or latest, then Deploy it.</summary>
    public async Task Restore(string? to)
    {
        await Lab.RemoveStackAsync(RestoredStack);
        WriteRestoredEnvironment();
        var console = LabStack.PlainConsole(Output);
        await new RestoreStep(Layout, console).RunAsync("lab", Restored, to,
            deploy: into => new DeployStep(Layout, console).RunAsync(into, new DeployOptions()));
    }

    public Task RemoveRestored() => Lab.RemoveStackAsync(RestoredStack);

    /// <summary>The restored stack's first member (its preferred leader, pg1 on node1), as the source's superuser.</summary>
    public Npgsql.NpgsqlConnection ConnectRestored() => LabConnections.Superuser(Members[0].ConnectHost!, RestoredFirstPort, Passwords.SuperuserPassword);

    /// <summary>The repository service scaled to <paramref name="replicas"/> (0: unreachable), waiting until that many tasks run.</summary>
    public async Task ScaleRepository(ulong replicas)
    {
        var api = new DockerSwarmApi(Lab.Docker);
        var service = await api.InspectServiceAsync($"{StackName}_{Rendering.RenderBackup.ServiceName}", CancellationToken.None);
        service.Spec.Mode.Replicated.Replicas = replicas;
        await api.UpdateServiceAsync(service.ID, service.Spec, service.Version.Index ?? 0, CancellationToken.None);
        await Waits.Until(async () => (await api.ListTasksAsync(service.ID, CancellationToken.None))
            .Count(t => t.Status.State == Docker.DotNet.Models.TaskState.Running && t.DesiredState == Docker.DotNet.Models.TaskState.Running) == (int)replicas,
            TimeSpan.FromSeconds(90), $"{replicas} repository task(s) running");
        if (replicas > 0)
            await Waits.Until(async () => (await api.ListTasksAsync(service.ID, CancellationToken.None)).Any(t => t.Status.State == Docker.DotNet.Models.TaskState.Running
                && t.Status.ContainerStatus is not null), TimeSpan.FromSeconds(30), "the repository's container");
    }

    /// <summary>Every member's data gone: the member services scaled to none, then their volumes removed on their nodes.</summary>
    public async Task DestroyEveryMembersVolume()
    {
        var api = new DockerSwarmApi(Lab.Docker);
        foreach (var member in Members)
        {
            var service = await api.InspectServiceAsync($"{StackName}_{member.Name}", CancellationToken.None);
            service.Spec.Mode.Replicated.Replicas = 0;
            await api.UpdateServiceAsync(service.ID, service.Spec, service.Version.Index ?? 0, CancellationToken.None);
        }
        var volumes = Members.Select(m => $"{StackName}_{m.Volume ?? m.Name + "_data"}").ToList();
        string[] ByVolume(bool all) => ["ps", all ? "-aq" : "-q", .. volumes.SelectMany(v => new[] { "--filter", $"volume={v}" })];
        foreach (var node in Lab.Info.Nodes)
        {
            await Waits.Until(async () => (await LabFixture.DockerCli(node.Socket, ByVolume(all: false))).Trim().Length == 0,
                TimeSpan.FromSeconds(90), $"the members on {node.Name} to stop");
            var users = (await LabFixture.DockerCli(node.Socket, ByVolume(all: true))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (users.Length > 0)
                await LabFixture.DockerCli(node.Socket, ["rm", "-f", .. users]);
            foreach (var volume in volumes)
            {
                if ((await LabFixture.DockerCli(node.Socket, ["volume", "ls", "-q", "--filter", $"name={volume}"])).Trim().Length > 0)
                    await LabFixture.DockerCli(node.Socket, ["volume", "rm", volume]);
            }
        }
    }

    public override async Task DisposeAsync()
    {
        await Lab.RemoveStackAsync(RestoredStack);
        await base.DisposeAsync();
    }

    private void WriteRestoredEnvironment()
    {
        var text = File.ReadAllText(Layout.EnvironmentFile("lab"));
        var start = text.IndexOf("# HAProxy on every node", StringComparison.Ordinal);
        text = text[..start] + text[text.IndexOf("access:", start, StringComparison.Ordinal)..];
        text = string.Join('\n', text.Split('\n').Where(l => !l.TrimStart().StartsWith("backup_tls_", StringComparison.Ordinal)));
        var secrets = Directory.CreateDirectory(Path.Combine(Layout.Root, ".secrets", "restored")).FullName;
        File.WriteAllText(Path.Combine(secrets, "superuser"), Passwords.SuperuserPassword);
        File.WriteAllText(Path.Combine(secrets, "replication"), Passwords.ReplicationPassword);
        File.WriteAllText(Path.Combine(secrets, "monitor"), Passwords.MonitorPassword);
        text = text.Replace($"stack: {StackName}", $"stack: {RestoredStack}", StringComparison.Ordinal)
            .Replace("subnet: 10.214.0.0/24", "subnet: 10.215.0.0/24", StringComparison.Ordinal)
            .Replace("superuser_password: { generate: true }", $"superuser_password: {{ file: {secrets}/superuser }}", StringComparison.Ordinal)
            .Replace("replication_password: { generate: true }", $"replication_password: {{ file: {secrets}/replication }}", StringComparison.Ordinal)
            .Replace("monitor_password: { generate: true }", $"monitor_password: {{ file: {secrets}/monitor }}", StringComparison.Ordinal);
        text = text.Replace("port: 5542", $"port: {RestoredFirstPort}", StringComparison.Ordinal)
            .Replace("synchronous: on", "synchronous: off", StringComparison.Ordinal)
            .Replace("  synchronous_node_count: 1\n", "", StringComparison.Ordinal);
        text = System.Text.RegularExpressions.Regex.Replace(text, @"  - name: pg[23]\n(    .*\n)*", "");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"    - \{ name: etcd[23],.*\n", "");
        File.WriteAllText(Layout.EnvironmentFile(Restored), text);
    }
}
