using Gate.NetlinkCtl.TestSupport;
using static Gate.NetlinkCtl.Cli.Tests.Systemd.StandaloneRole;

namespace Gate.NetlinkCtl.Cli.Tests.Systemd;

/// <summary>
/// The standalone role (<see cref="StandaloneRole"/>) installing gatectl's native binary: daemon mode twice (the second
/// run changes nothing), then timer mode, then <c>gatectl_state: absent</c>, which leaves the machine as it was.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StandaloneRoleInMachineTests
{
    [Fact]
    public async Task The_role_installed_from_its_archive_runs_the_daemon_then_the_timer_then_removes_everything()
    {
        await using var machine = await BootWithRoleAsync();

        var daemon = await PlaybookAsync(machine, "daemon", "present");
        Assert.Equal("active", await ActiveAsync(machine, "gatectl.service"));
        Assert.Equal("enabled", await EnabledAsync(machine, "gatectl.service"));
        await WaitForGateAsync(machine, present: true);
        await AssertKeepalivedMasterAsync(machine);
        await AssertHealthDropInAsync(machine);
        var daemonAgain = await PlaybookAsync(machine, "daemon", "present");

        var timer = await PlaybookAsync(machine, "timer", "present");
        Assert.Equal("inactive", await ActiveAsync(machine, "gatectl.service"));
        Assert.Equal("disabled", await EnabledAsync(machine, "gatectl.service"));
        Assert.Equal("active", await ActiveAsync(machine, "gatectl-reconcile.timer"));
        Assert.Equal("enabled", await EnabledAsync(machine, "gatectl-reconcile.timer"));
        await machine.RunCheckedAsync("bridge", "fdb", "del", "00:00:00:00:00:00", "dev", StandaloneRole.Gate, "dst", Endpoint, "self");
        await machine.RunCheckedAsync("systemctl", "start", "gatectl-reconcile.service");
        Assert.Equal("success", await machine.PropertyAsync("gatectl-reconcile.service", "Result"));
        Assert.Contains($"dst {Endpoint}", await FdbAsync(machine), StringComparison.Ordinal);

        var removal = await PlaybookAsync(machine, "timer", "absent");

        // A second run in daemon mode proves the role idempotent under a real systemd. Timer mode runs the same tasks
        // with the two units' roles swapped in tasks/enable.yml, so a second timer run (a minute of CPU beside the suite)
        // would prove nothing more.
        Assert.Equal(0, Changed(daemonAgain));
        Assert.True(Changed(daemon) > 0 && Changed(timer) > 0 && Changed(removal) > 0,
            $"the first run of each mode changed nothing?\n{daemon}\n{timer}\n{removal}");
        await WaitForGateAsync(machine, present: false);
        Assert.Equal("not-found", await machine.PropertyAsync("gatectl.service", "LoadState"));
        Assert.Equal("inactive", await ActiveAsync(machine, "keepalived.service"));
        Assert.NotEqual(0, (await machine.RunAsync(["test", "-e", "/etc/keepalived/keepalived.conf"])).ExitCode);
        Assert.Equal("not-found", await machine.PropertyAsync("gatectl-reconcile.timer", "LoadState"));
        Assert.Equal("1 0", await PingGroupRangeAsync(machine));
        foreach (var path in new[] { "/usr/local/bin/gatectl", "/etc/gatectl", "/etc/systemd/system/gatectl.service.d", "/var/cache/gatectl", PingSysctlFile })
        {
            Assert.NotEqual(0, (await machine.RunAsync(["test", "-e", path])).ExitCode);
        }

        // The underlay the host had is the host's: removal took only what gatectl made.
        Assert.Contains($"{Local}/24", await machine.RunCheckedAsync("ip", "-o", "address", "show", "dev", Underlay), StringComparison.Ordinal);
    }
}
