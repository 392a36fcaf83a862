using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using CliWrap;
using Gate.NetlinkCtl.Cli.Tests.Systemd;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Packaging;

/// <summary>
/// The Debian package's whole life under a real systemd (<see cref="SystemdMachine"/>: the host's <c>/usr</c> and
/// package database under a throw-away overlay, so <c>dpkg -i</c> inside never changes the host): install, enable and
/// start, upgrade to a higher version while a peer pings through the gate, remove, purge.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class PackageInMachineTests
{
    private const string Upgrade = "+upgrade1";
    private const string GateAddress = "198.18.0.10";

    private static readonly string State = new StateYaml
    {
        Backend = "netlink",
        ReconcileInterval = "1h",
        Guard = false,
        Gates = [new GateYaml { Interface = "gate0", Vni = "10", Endpoints = ["192.0.2.20"] }],
    }.ToString();

    [Fact]
    public async Task The_package_installs_upgrades_without_losing_a_ping_through_the_gate_then_removes_and_purges()
    {
        SystemdMachine.RequirePrograms();
        Prerequisites.RequireCommand("ping", "iputils-ping");
        var version = DebianPackages.ProjectVersion;
        var first = DebianPackages.BuildAsync();
        var second = DebianPackages.BuildAsync(version + Upgrade);
        await using var machine = await SystemdMachine.BootAsync();
        await using var peer = await TestNamespace.CreateAsync("pk");
        await ConnectPeerAsync(machine, peer);
        // The host image is a container image whose policy-rc.d forbids starting services during apt (exit 101); a real
        // host has none. Removed inside the machine's overlay only, so deb-systemd-invoke acts as on a real host.
        await machine.RunCheckedAsync("rm", "-f", "/usr/sbin/policy-rc.d");
        File.Copy(await first, Path.Combine(machine.ShareDirectory, "first.deb"));
        File.Copy(await second, Path.Combine(machine.ShareDirectory, "second.deb"));

        // Install, and install again (postinst's upgrade path): the units are known to systemd, neither is enabled or
        // started, and a stopped daemon is not started by a reinstall.
        await DpkgAsync(machine, "-i", $"{SystemdMachine.ShareMount}/first.deb");
        await DpkgAsync(machine, "-i", $"{SystemdMachine.ShareMount}/first.deb");
        foreach (var unit in new[] { "gatectl.service", "gatectl-reconcile.timer" })
        {
            Assert.Equal("disabled", (await machine.RunAsync(["systemctl", "is-enabled", unit])).StandardOutput.Trim());
            Assert.Equal("inactive", await machine.PropertyAsync(unit, "ActiveState"));
        }

        Assert.Equal("/usr/bin/gatectl run /etc/gatectl/state.yaml", ExecStartCommand(await machine.PropertyAsync("gatectl.service", "ExecStart")));
        Assert.Equal("600 root", (await machine.RunCheckedAsync("stat", "-c", "%a %U", "/etc/gatectl/state.yaml")).Trim());
        Assert.Contains($"gatectl {version}", await machine.RunCheckedAsync("gatectl", "version"), StringComparison.Ordinal);
        var packaged = (await machine.RunCheckedAsync("dpkg-query", "-L", "gatectl")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // The administrator's state, then the daemon: the gate comes up and carries traffic.
        await machine.WriteFileAsync("/etc/gatectl/state.yaml", State, "0600");
        await machine.RunCheckedAsync("systemctl", "enable", "--now", "gatectl.service");
        Assert.True(await Poll.UntilAsync(async () => await PingOnceAsync(peer)), $"no ping through the gate: {await machine.JournalAsync("gatectl")}");
        var pid = await machine.PropertyAsync("gatectl.service", "MainPID");
        var ifindex = await IfindexAsync(machine);

        // Upgrade while the peer pings the gate every 50 ms: the daemon restarts on the new binary, the gate stays.
        var upgrade = await PingDuringAsync(peer, () => DpkgAsync(machine, "-i", $"{SystemdMachine.ShareMount}/second.deb"));
        Assert.Equal(version + Upgrade, (await machine.RunCheckedAsync("dpkg-query", "-W", "-f", "${Version}", "gatectl")).Trim());
        Assert.Equal("active", await machine.PropertyAsync("gatectl.service", "ActiveState"));
        Assert.NotEqual(pid, await machine.PropertyAsync("gatectl.service", "MainPID"));
        Assert.Equal(ifindex, await IfindexAsync(machine));
        Assert.True(upgrade.Lost.Count == 0, $"lost {upgrade.Lost.Count} of {upgrade.Replies + upgrade.Lost.Count} pings during the upgrade (icmp_seq {string.Join(", ", upgrade.Lost)})");
        Assert.True(upgrade.RepliesAfter > 0, "no reply came after the upgrade finished: the ping did not cover it");
        TestContext.Current.SendDiagnosticMessage(
            $"upgrade took {upgrade.Took.TotalSeconds:F1} s; {upgrade.Replies} pings answered, none lost; machine booted in {machine.BootTime.TotalSeconds:F1} s");

        // Remove: the units stop and go, the conffile stays; the gate stays in the kernel (docs/packaging.md).
        await DpkgAsync(machine, "-r", "gatectl");
        Assert.Equal("not-found", await machine.PropertyAsync("gatectl.service", "LoadState"));
        Assert.Equal("inactive", await machine.PropertyAsync("gatectl.service", "ActiveState"));
        Assert.NotEqual(0, (await machine.RunAsync(["test", "-e", "/usr/bin/gatectl"])).ExitCode);
        Assert.Equal(0, (await machine.RunAsync(["test", "-e", "/etc/gatectl/state.yaml"])).ExitCode);
        Assert.Equal(ifindex, await IfindexAsync(machine));
        Assert.True(await PingOnceAsync(peer), "the gate stopped carrying traffic when the package was removed");

        // Purge: nothing of gatectl is left on disk, not even the enablement link or the state directory.
        await DpkgAsync(machine, "-P", "gatectl");
        var left = await machine.RunCheckedAsync("find", "/etc", "/usr", "/var", "/run", "-xdev", "-name", "*gatectl*");
        Assert.Equal("", left.Trim());
        Assert.All(packaged.Where(p => p.Contains("gatectl", StringComparison.Ordinal)),
            p => Assert.NotEqual(0, machine.RunAsync(["test", "-e", p]).GetAwaiter().GetResult().ExitCode));
        Assert.NotEqual(0, (await machine.RunAsync(["dpkg-query", "-W", "gatectl"])).ExitCode);
        // The documented choice: gatectl's gate outlives the package; `gatectl delete` before removal takes it down.
        Assert.Equal(ifindex, await IfindexAsync(machine));
    }

    /// <summary>
    /// A veth from the machine's namespace (u0, 192.0.2.10) to the peer's (u0p, 192.0.2.20), and on the peer a VXLAN gate
    /// made by hand (VNI 10, 198.18.0.20/15) that floods to the machine: the far end the pings come from.
    /// </summary>
    private static async Task ConnectPeerAsync(SystemdMachine machine, TestNamespace peer)
    {
        await OverlayPeer.ConnectAsync(machine.Namespace, peer, "u0", "192.0.2.10", "192.0.2.20", "pgate0", "198.18.0.20/15");
    }

    private static async Task DpkgAsync(SystemdMachine machine, params string[] args)
    {
        var result = await machine.RunAsync(["dpkg", .. args], TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"dpkg {string.Join(' ', args)} exited {result.ExitCode}: {result.StandardError}{result.StandardOutput}");
    }

    private static async Task<string> IfindexAsync(SystemdMachine machine) =>
        (await machine.Namespace.IpAsync("-o", "link", "show", "gate0")).Split(':')[0];

    private static async Task<bool> PingOnceAsync(TestNamespace peer)
    {
        var result = await CliWrap.Cli.Wrap("ip").WithArguments(["netns", "exec", peer.Name, "ping", "-n", "-c", "1", "-W", "1", GateAddress])
            .WithValidation(CommandResultValidation.None).ExecuteAsync();
        return result.ExitCode == 0;
    }

    /// <summary>
    /// Pings the gate every 50 ms from the peer while <paramref name="action"/> runs, and for a second after it: the
    /// replies' sequence numbers show every lost ping (a gap). Stopped with SIGINT; a ping still in flight then is not
    /// counted, since no later reply proves it lost.
    /// </summary>
    private static async Task<PingRecord> PingDuringAsync(TestNamespace peer, Func<Task> action)
    {
        var replies = new ConcurrentQueue<int>();
        using var stop = new CancellationTokenSource();
        using var kill = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ping = CliWrap.Cli.Wrap("ip")
            .WithArguments(["netns", "exec", peer.Name, "ping", "-n", "-i", "0.05", "-W", "1", GateAddress])
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                if (Sequence().Match(line) is { Success: true } match)
                {
                    replies.Enqueue(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                }
            }))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(kill.Token, stop.Token);
        try
        {
            Assert.True(await Poll.UntilAsync(() => Task.FromResult(!replies.IsEmpty)), "the ping through the gate got no reply before the upgrade");
            var clock = Stopwatch.StartNew();
            await action();
            var took = clock.Elapsed;
            var before = replies.Count;
            await Task.Delay(TimeSpan.FromSeconds(1));
            await stop.CancelAsync();
            try
            {
                await ping;
            }
            catch (OperationCanceledException)
            {
                // Stopped by SIGINT, as asked.
            }

            var seen = replies.ToHashSet();
            var lost = Enumerable.Range(seen.Min(), seen.Max() - seen.Min() + 1).Where(seq => !seen.Contains(seq)).ToList();
            return new PingRecord(seen.Count, lost, seen.Count - before, took);
        }
        finally
        {
            await kill.CancelAsync();
        }
    }

    /// <summary>systemd's ExecStart property: <c>{ path=... ; argv[]=/usr/bin/gatectl run ... ; ... }</c>; the argv part.</summary>
    private static string ExecStartCommand(string property) => Argv().Match(property).Groups[1].Value.Trim();

    [GeneratedRegex(@"icmp_seq=(\d+)")]
    private static partial Regex Sequence();

    [GeneratedRegex(@"argv\[\]=([^;]*);")]
    private static partial Regex Argv();

    private sealed record PingRecord(int Replies, IReadOnlyList<int> Lost, int RepliesAfter, TimeSpan Took);
}
