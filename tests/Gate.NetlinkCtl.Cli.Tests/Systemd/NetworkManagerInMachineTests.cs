using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests.Systemd;

/// <summary>
/// gatectl.service beside the machine's own <c>NetworkManager.service</c> on the machine's own system bus, as on a
/// desktop or cloud image: NetworkManager manages the underlay through a profile of its own.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NetworkManagerInMachineTests(NetworkManagerInMachineTests.WithNetworkManager fixture)
    : IClassFixture<NetworkManagerInMachineTests.WithNetworkManager>, IAsyncLifetime
{
    private const string Flood = "00:00:00:00:00:00";

    private SystemdMachine Machine => fixture.Machine;

    /// <inheritdoc />
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await fixture.ResetAsync();

    private static string State(string backend, string device) => new StateYaml
    {
        Backend = backend,
        ReconcileInterval = "1h",
        Gates =
        [
            new GateYaml
            {
                Interface = device,
                Vni = "10",
                Underlay = GatectlMachine.Underlay,
                Local = GatectlMachine.Local,
                Endpoints = ["198.51.100.4", "198.51.100.132"],
            },
        ],
    }.ToString();

    [Fact]
    public async Task Backend_auto_under_the_unit_makes_the_gate_a_profile_because_NetworkManager_manages_the_underlay()
    {
        await fixture.WriteStateAsync(State("auto", "gsdn0"));

        var plan = await Machine.RunAsync(["gatectl", "plan", GatectlMachine.StatePath]);
        await Machine.RunCheckedAsync("systemctl", "start", "gatectl.service");

        Assert.Contains("networkmanager for new gates on u0: NetworkManager", plan.StandardOutput + plan.StandardError, StringComparison.Ordinal);
        await fixture.WaitAsync(async () => (await ActiveProfilesAsync()).Contains("gatectl-lab:gsdn0", StringComparison.Ordinal), "the gate's profile active");
        await fixture.WaitAsync(async () => await FloodListAsync("gsdn0"), "the flood list on the profile's device");
    }

    [Fact]
    public async Task Backend_networkmanager_keeps_the_profile_and_flood_list_in_sync_across_a_NetworkManager_restart()
    {
        await fixture.WriteStateAsync(State("networkmanager", "gsdn1"));
        await Machine.RunCheckedAsync("systemctl", "start", "gatectl.service");
        await fixture.WaitAsync(async () => (await ActiveProfilesAsync()).Contains("gatectl-lab:gsdn1", StringComparison.Ordinal), "the gate's profile active");
        await fixture.WaitAsync(async () => await FloodListAsync("gsdn1"), "the flood list on the profile's device");
        var profile = await Machine.RunCheckedAsync("nmcli", "-t", "-f", "vxlan.id,vxlan.local,vxlan.destination-port,ipv4.addresses", "connection", "show", "gatectl-lab");
        Assert.Contains("vxlan.id:10", profile, StringComparison.Ordinal);
        Assert.Contains("vxlan.local:192.0.2.10", profile, StringComparison.Ordinal);
        Assert.Contains("ipv4.addresses:198.18.0.10/15", profile, StringComparison.Ordinal);

        await Machine.RunCheckedAsync("systemctl", "restart", "NetworkManager.service");
        await fixture.WaitAsync(async () => (await Machine.RunAsync(["nmcli", "-t", "general"])).StandardOutput.StartsWith("connected", StringComparison.Ordinal) ||
                                            (await Machine.RunAsync(["nmcli", "-t", "-f", "RUNNING", "general"])).StandardOutput.Trim() == "running",
            "NetworkManager running again", "NetworkManager");
        await Machine.RunCheckedAsync("systemctl", "reload", "gatectl.service");

        await fixture.WaitAsync(async () => (await Machine.RunAsync(["gatectl", "diff", GatectlMachine.StatePath])).ExitCode == 0, "the gate in sync after the reconcile");
        Assert.Contains("gatectl-lab:gsdn1", await ActiveProfilesAsync(), StringComparison.Ordinal);
        Assert.True(await FloodListAsync("gsdn1"), await fixture.FdbAsync("gsdn1"));
        Assert.Equal("active", await Machine.PropertyAsync("gatectl", "ActiveState"));
    }

    private async Task<string> ActiveProfilesAsync() =>
        (await Machine.RunAsync(["nmcli", "-t", "-f", "NAME,DEVICE", "connection", "show", "--active"])).StandardOutput;

    private async Task<bool> FloodListAsync(string device)
    {
        var fdb = await fixture.FdbAsync(device);
        return fdb.Contains($"{Flood} dst 198.51.100.4 self permanent", StringComparison.Ordinal)
            && fdb.Contains($"{Flood} dst 198.51.100.132 self permanent", StringComparison.Ordinal);
    }

    /// <summary>The machine with NetworkManager enabled at boot and a profile of its own for the underlay.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public sealed class WithNetworkManager : GatectlMachine
    {
        /// <inheritdoc />
        protected override SystemdMachineOptions Options => new(NetworkManager: true, []);

        /// <inheritdoc />
        protected override async Task PrepareAsync()
        {
            Prerequisites.RequireCommand("NetworkManager", "network-manager");
            await Machine.WriteFileAsync("/etc/NetworkManager/system-connections/gct-u0.nmconnection", $"""
                [connection]
                id=gct-u0
                type=ethernet
                interface-name={Underlay}

                [ipv4]
                method=manual
                address1={Local}/24

                [ipv6]
                method=disabled
                """, "0600");
            await Machine.RunCheckedAsync("nmcli", "connection", "load", "/etc/NetworkManager/system-connections/gct-u0.nmconnection");
            await Machine.RunCheckedAsync("nmcli", "connection", "up", "gct-u0");
        }
    }
}
