using static Gate.NetlinkCtl.Cli.Tests.Systemd.StandaloneRole;

namespace Gate.NetlinkCtl.Cli.Tests.Systemd;

/// <summary>
/// The standalone role (<see cref="StandaloneRole"/>) installing gatectl's Debian package instead of the binary, in a
/// machine of its own (it runs beside <see cref="StandaloneRoleInMachineTests"/>): twice (the second run changes
/// nothing), then <c>gatectl_state: absent</c>, which purges the package and puts the ping group range back.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StandaloneRolePackageInMachineTests
{
    [Fact]
    public async Task The_role_installs_the_package_runs_its_units_with_the_drop_ins_and_purges_it()
    {
        await using var machine = await BootWithRoleAsync();
        // The host image's policy-rc.d (a container image's) forbids service actions during apt; a real host has none.
        // Removed inside the machine's overlay only.
        await machine.RunCheckedAsync("rm", "-f", "/usr/sbin/policy-rc.d");
        var deb = await Packaging.DebianPackages.BuildAsync();
        File.Copy(deb, Path.Combine(machine.ShareDirectory, "gatectl.deb"));
        string[] fromPackage = ["gatectl_install_from=package", $"gatectl_package_src={TestSupport.SystemdMachine.ShareMount}/gatectl.deb", $"gatectl_package_sha256={await Sha256Async(deb)}"];

        var package = await PlaybookAsync(machine, "daemon", "present", fromPackage);
        Assert.Equal("install ok installed", (await machine.RunCheckedAsync("dpkg-query", "--show", "--showformat=${Status}", "gatectl")).Trim());
        Assert.Equal("/lib/systemd/system/gatectl.service", await machine.PropertyAsync("gatectl.service", "FragmentPath"));
        Assert.Equal("active", await ActiveAsync(machine, "gatectl.service"));
        Assert.Equal("enabled", await EnabledAsync(machine, "gatectl.service"));
        Assert.NotEqual(0, (await machine.RunAsync(["test", "-e", "/etc/systemd/system/gatectl.service"])).ExitCode);
        await WaitForGateAsync(machine, present: true);
        await AssertKeepalivedMasterAsync(machine);
        await AssertHealthDropInAsync(machine);
        var packageAgain = await PlaybookAsync(machine, "daemon", "present", fromPackage);
        var packageRemoval = await PlaybookAsync(machine, "daemon", "absent", fromPackage);

        Assert.True(Changed(package) > 0 && Changed(packageRemoval) > 0, $"the package install or its removal changed nothing?\n{package}\n{packageRemoval}");
        Assert.Equal(0, Changed(packageAgain));
        await WaitForGateAsync(machine, present: false);
        var purged = await machine.RunAsync(["dpkg-query", "--show", "--showformat=${db:Status-Status}", "gatectl"]);
        Assert.True(purged.ExitCode != 0 || purged.StandardOutput.Trim() == "not-installed", $"gatectl is still known to dpkg: {purged.StandardOutput}");
        Assert.NotEqual(0, (await machine.RunAsync(["test", "-e", "/usr/bin/gatectl"])).ExitCode);
        Assert.NotEqual(0, (await machine.RunAsync(["test", "-e", "/etc/gatectl"])).ExitCode);
        Assert.NotEqual(0, (await machine.RunAsync(["test", "-e", PingSysctlFile])).ExitCode);
        Assert.Equal("1 0", await PingGroupRangeAsync(machine));
    }
}
