using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Systemd;

/// <summary>
/// One booted <see cref="SystemdMachine"/> per test class with gatectl installed as users install it: the native binary
/// (<c>out/gatectl</c>, from <c>./dev.sh publish</c>) at <c>/usr/local/bin/gatectl</c> and the repository's
/// <c>systemd/</c> units unchanged in <c>/etc/systemd/system</c>. Its namespace has an underlay <c>u0</c>
/// (192.0.2.10/24, up; peer <c>u0p</c>). Tests of a class run one after another and clean up their own gates.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class GatectlMachine : IAsyncLifetime
{
    /// <summary>The underlay every test's gates sit on.</summary>
    public const string Underlay = "u0";

    /// <summary>The underlay's address: the gates' local address.</summary>
    public const string Local = "192.0.2.10";

    /// <summary>Where the units read the state file.</summary>
    public const string StatePath = "/etc/gatectl/state.yaml";

    private SystemdMachine? _machine;

    /// <summary>The native binary users install.</summary>
    public static string Binary => SourceTree.PathOf("out", "gatectl");

    /// <summary>The booted machine.</summary>
    public SystemdMachine Machine => _machine ?? throw new InvalidOperationException("the machine did not boot");

    /// <summary>How the machine boots (a derived fixture turns NetworkManager on).</summary>
    protected virtual SystemdMachineOptions Options => new();

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        SystemdMachine.RequirePrograms();
        Prerequisites.Require(File.Exists(Binary), $"needs the native binary {Binary} (./dev.sh publish builds it)");
        _machine = await SystemdMachine.BootAsync(Options);
        await Machine.Namespace.IpAsync("link", "add", Underlay, "type", "veth", "peer", "name", Underlay + "p");
        await Machine.Namespace.IpAsync("address", "add", Local + "/24", "dev", Underlay);
        await Machine.Namespace.IpAsync("link", "set", Underlay, "up");
        await Machine.Namespace.IpAsync("link", "set", Underlay + "p", "up");
        await Machine.InstallGatectlAsync(Binary, SourceTree.PathOf("systemd"));
    }

    /// <summary>Writes the state file as the units expect it (root-owned, 0600).</summary>
    public Task WriteStateAsync(string state) => Machine.WriteFileAsync(StatePath, state, "0600");

    /// <summary>The flood list of <paramref name="device"/> (<c>bridge fdb show</c>), empty when the device is missing.</summary>
    public async Task<string> FdbAsync(string device)
    {
        var result = await Machine.RunAsync(["bridge", "fdb", "show", "dev", device]);
        return result.ExitCode == 0 ? result.StandardOutput : "";
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails with the unit's journal after <paramref name="seconds"/>.</summary>
    public async Task WaitAsync(Func<Task<bool>> condition, string what, string unit = "gatectl", int seconds = 20)
    {
        if (!await Poll.UntilAsync(condition, TimeSpan.FromSeconds(seconds)))
        {
            Assert.Fail($"waited {seconds} s for {what}; journal of {unit}:\n{await Machine.JournalAsync(unit)}");
        }
    }

    /// <summary>Stops gatectl's units and removes what a test's gates made (<c>gatectl delete</c>), so the next test starts clean.</summary>
    public async Task ResetAsync()
    {
        await Machine.RunAsync(["systemctl", "stop", "gatectl.service", "gatectl-reconcile.timer", "gatectl-reconcile.service"]);
        await Machine.RunAsync(["systemctl", "reset-failed"]);
        if ((await Machine.RunAsync(["test", "-e", StatePath])).ExitCode == 0)
        {
            await Machine.RunAsync(["gatectl", "delete", StatePath]);
            await Machine.RunAsync(["rm", "-f", StatePath]);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_machine is not null)
        {
            await _machine.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
