using System.Net;
using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Backends.NetworkManager;
using Gate.NetlinkCtl.Backends.NetworkManager.Bus;
using Gate.NetlinkCtl.Backends.NetworkManager.Profiles;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace Gate.NetlinkCtl.Tests.Backends.NetworkManager;

/// <summary>The backend's decisions with NetworkManager and the kernel backend replaced: what it asks of each.</summary>
public class NetworkManagerBackendUnitTests
{
    private static readonly VxlanDeviceSpec Device = new(10, IPAddress.Parse("192.0.2.10"), "u0", 4789, PortRange.Default, false, 1450);
    private static readonly InterfaceAddress Inner = new(IPAddress.Parse("198.18.0.10"), 15);
    private static readonly VxlanProfile Stored = new("tokyo", "gate0", 10, IPAddress.Parse("192.0.2.10"), "u0", 4789, PortRange.Default, false, 1300,
        new[] { Inner }.ToEquatableList(), 147, Autoconnect: true);

    private static readonly EquatableList<string> GateInterfaces = new(["gate0"]);
    private static readonly EquatableList<string> Underlays = new(["u0"]);

    private readonly INetworkManager _nm = Substitute.For<INetworkManager>();
    private readonly IGateBackend _kernel = Substitute.For<IGateBackend>();

    public NetworkManagerBackendUnitTests()
    {
        _kernel.Name.Returns("netlink");
        _nm.BusAddress.Returns("unix:path=/test/bus");
        _nm.GetVersionAsync(Arg.Any<CancellationToken>()).Returns("1.42.4");
        _nm.ListProfilesAsync(Arg.Any<CancellationToken>()).Returns([]);
        _nm.AddProfileAsync(Arg.Any<NmSettings>(), Arg.Any<CancellationToken>()).Returns("/profile/1");
        _nm.ActivateAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns("/active/1");
        _nm.GetActiveConnectionAsync("/active/1", Arg.Any<CancellationToken>())
            .Returns(new NmActiveConnection("/active/1", "/profile/1", Stored.Uuid.ToString(), NmActiveConnectionState.Activated));
        _nm.FindDeviceAsync("u0", Arg.Any<CancellationToken>()).Returns(new NmDevice("/device/u0", "u0", true, NmDeviceState.Activated, "/active/u0"));
        _kernel.ObserveAsync(Arg.Any<ObserveRequest>(), Arg.Any<CancellationToken>()).Returns(KernelWithGate(mtu: 1450));
    }

    [Fact]
    public async Task The_steps_of_a_new_gate_become_one_profile_and_one_activation_and_its_floods_go_to_the_kernel()
    {
        await using var backend = Backend(NetworkManagerMode.Required);
        PlanStep[] steps =
        [
            new CreateDevice("tokyo", "gate0", Device),
            new AddAddress("tokyo", "gate0", Inner),
            new SetUp("tokyo", "gate0", true),
            new AddFlood("tokyo", "gate0", IPAddress.Parse("192.0.2.1")),
            new AddFlood("tokyo", "gate0", IPAddress.Parse("192.0.2.2")),
        ];

        await backend.ExecuteAsync(GateChange.Group(steps), TestContext.Current.CancellationToken);

        var expected = Stored with { Mtu = 1450 };
        await _nm.Received(1).AddProfileAsync(Arg.Is<NmSettings>(s => ProfileSettings.FromSettings(s) == expected), Arg.Any<CancellationToken>());
        await _nm.Received(1).ActivateAsync("/profile/1", Arg.Any<CancellationToken>());
        await _nm.DidNotReceive().UpdateProfileAsync(Arg.Any<string>(), Arg.Any<NmSettings>(), Arg.Any<CancellationToken>());
        await _kernel.Received(1).ExecuteAsync(Arg.Is<IReadOnlyList<GateChange>>(c => GateChange.StepsOf(c).Count == 1 && GateChange.StepsOf(c)[0] == steps[3]), Arg.Any<CancellationToken>());
        await _kernel.Received(1).ExecuteAsync(Arg.Is<IReadOnlyList<GateChange>>(c => GateChange.StepsOf(c).Count == 1 && GateChange.StepsOf(c)[0] == steps[4]), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_stored_profile_is_observed_as_a_gatectl_device_with_the_profiles_values_not_yet_applied()
    {
        _nm.ListProfilesAsync(Arg.Any<CancellationToken>()).Returns([new NmProfile("/profile/1", ProfileSettings.ToSettings(Stored))]);
        await using var backend = Backend(NetworkManagerMode.Required);

        var host = await backend.ObserveAsync(new ObserveRequest(GateInterfaces, Underlays), TestContext.Current.CancellationToken);

        var gate = Assert.Single(host.Gates);
        Assert.Equal("tokyo", gate.Device.OwnerGate);
        Assert.Equal(1300, gate.Device.Mtu);
        Assert.False(gate.Device.Up); // the kernel device still has MTU 1450: the profile is not applied
        Assert.Equal([Inner], gate.OwnedAddresses);
        Assert.Equal([IPAddress.Parse("192.0.2.1")], gate.OwnedFloods);
        Assert.Empty(host.OtherVxlans);
    }

    [Fact]
    public async Task Auto_without_networkmanager_passes_every_step_to_the_kernel_and_says_why()
    {
        await using var backend = new NetworkManagerBackend(
            _ => throw new NetworkManagerUnavailableException("unix:path=/test/bus", "no process owns the name"), _kernel, NetworkManagerMode.Auto);
        var step = new CreateDevice("tokyo", "gate0", Device);

        await backend.ObserveAsync(ObserveRequest.OwnedOnly, TestContext.Current.CancellationToken);
        await backend.ExecuteAsync(GateChange.Group([step]), TestContext.Current.CancellationToken);
        var choice = await backend.ChooseAsync(ObserveRequest.OwnedOnly, TestContext.Current.CancellationToken);

        Assert.Equal("netlink", choice.Backend);
        Assert.Contains("unix:path=/test/bus", Assert.Single(choice.Reasons), StringComparison.Ordinal);
        await _kernel.Received(1).ExecuteAsync(Arg.Is<IReadOnlyList<GateChange>>(c => GateChange.StepsOf(c).Count == 1 && GateChange.StepsOf(c)[0] == step), Arg.Any<CancellationToken>());
        await _nm.DidNotReceiveWithAnyArgs().AddProfileAsync(default!, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Auto_leaves_a_new_gate_on_an_unmanaged_underlay_to_the_kernel()
    {
        _nm.FindDeviceAsync("u0", Arg.Any<CancellationToken>()).Returns(new NmDevice("/device/u0", "u0", false, NmDeviceState.Unmanaged, null));
        await using var backend = Backend(NetworkManagerMode.Auto);
        var step = new CreateDevice("tokyo", "gate0", Device);

        await backend.ExecuteAsync(GateChange.Group([step]), TestContext.Current.CancellationToken);

        await _kernel.Received(1).ExecuteAsync(Arg.Is<IReadOnlyList<GateChange>>(c => GateChange.StepsOf(c)[0] == step), Arg.Any<CancellationToken>());
        await _nm.DidNotReceiveWithAnyArgs().AddProfileAsync(default!, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Required_without_networkmanager_fails_with_the_bus_address_before_anything_changes()
    {
        await using var backend = new NetworkManagerBackend(
            _ => throw new NetworkManagerUnavailableException("unix:path=/test/bus", "cannot connect to the bus"), _kernel, NetworkManagerMode.Required);

        var error = await Assert.ThrowsAsync<BackendException>(() => backend.ObserveAsync(ObserveRequest.OwnedOnly, TestContext.Current.CancellationToken));

        Assert.Contains("at 'unix:path=/test/bus'", error.Message, StringComparison.Ordinal);
        await _kernel.DidNotReceiveWithAnyArgs().ExecuteAsync(default!, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_failed_activation_is_reported_against_the_gates_last_profile_step()
    {
        _nm.ActivateAsync(Arg.Any<string>(), Arg.Any<CancellationToken>())
            .Throws(new NetworkManagerException("activation refused") { ErrorName = "org.freedesktop.NetworkManager.UnknownDevice" });
        await using var backend = Backend(NetworkManagerMode.Required);
        PlanStep[] steps = [new CreateDevice("tokyo", "gate0", Device), new AddAddress("tokyo", "gate0", Inner), new AddFlood("tokyo", "gate0", IPAddress.Parse("192.0.2.1"))];

        var error = await Assert.ThrowsAsync<BackendException>(() => backend.ExecuteAsync(GateChange.Group(steps), TestContext.Current.CancellationToken));

        Assert.Same(steps[1], error.Step);
        Assert.Equal(1, error.CompletedSteps);
        Assert.Contains("activation refused", error.Message, StringComparison.Ordinal);
        await _kernel.DidNotReceiveWithAnyArgs().ExecuteAsync(default!, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Execution_reads_the_profiles_stored_now_not_those_an_earlier_observation_saw_and_the_name_stays()
    {
        await using var backend = Backend(NetworkManagerMode.Auto);
        var name = backend.Name;
        await backend.ObserveAsync(new ObserveRequest(GateInterfaces, Underlays), TestContext.Current.CancellationToken);
        // Stored after the observation (by another apply, or nmcli): an MTU step must change this profile, not make a new one.
        _nm.ListProfilesAsync(Arg.Any<CancellationToken>()).Returns([new NmProfile("/profile/1", ProfileSettings.ToSettings(Stored))]);

        await backend.ExecuteAsync(GateChange.Group([new SetMtu("tokyo", "gate0", 1400, 1300)]), TestContext.Current.CancellationToken);

        Assert.Equal(name, backend.Name);
        await _nm.Received(1).UpdateProfileAsync("/profile/1", Arg.Is<NmSettings>(s => ProfileSettings.FromSettings(s)!.Mtu == 1400), Arg.Any<CancellationToken>());
        await _nm.DidNotReceiveWithAnyArgs().AddProfileAsync(default!, TestContext.Current.CancellationToken);
    }

    private NetworkManagerBackend Backend(NetworkManagerMode mode) => new(_ => Task.FromResult(_nm), _kernel, mode);

    private static ObservedHost KernelWithGate(int mtu) => ObservedHost.Create(
        [
            new ObservedGate(
                new ObservedDevice("gate0", 7, "vxlan", null, mtu, true,
                    new ObservedVxlan(10, IPAddress.Parse("192.0.2.10"), "u0", 2, 4789, PortRange.Default, false)),
                new[] { new ObservedAddress(Inner, 0) }.ToEquatableList(),
                new[] { new ObservedFdbEntry("00:00:00:00:00:00", IPAddress.Parse("192.0.2.1"), true) }.ToEquatableList(),
                EquatableList<ObservedRoute>.Empty),
        ],
        [],
        [new ObservedUnderlay("u0", 2, 1500, true)]);
}
