using System.Net;
using Gate.NetlinkCtl.Migration;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Reconcile;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Migration;

/// <summary>
/// The vendor script's gate, made by its own commands in a namespace: imported (from its arguments, in both script
/// forms, and from the device), applied with <c>adopt: true</c>, on every backend. Only ownership marks may change.
/// </summary>
public sealed class ImportInNamespaceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Backend, then whether the script is the newer one (with VXLAN_ID), then its arguments.</summary>
    public static TheoryData<BackendKind, bool, string[]> Scripts => new()
    {
        { BackendKind.Netlink, false, ["u0", "192.0.2.10", "gate0", "198.18.0.10", "255.255.0.0", "198.51.100.4", "198.51.100.132"] },
        { BackendKind.Netlink, true, ["u0", "192.0.2.10", "gate0", "198.18.0.10", "16", "20", "198.51.100.4", "198.51.100.132"] },
        { BackendKind.Iproute2, false, ["u0", "192.0.2.10", "gate0", "198.18.0.10", "255.255.0.0", "198.51.100.4", "198.51.100.132"] },
        { BackendKind.Iproute2, true, ["u0", "192.0.2.10", "gate0", "198.18.0.10", "16", "20", "198.51.100.4", "198.51.100.132"] },
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task The_scripts_arguments_imported_and_applied_change_nothing_but_the_ownership_marks(BackendKind backend, bool withVxlanId, string[] args)
    {
        await using var host = await GateHost.CreateAsync(backend);
        await VendorSetupScript.RunAsync(host.Namespace.Name, withVxlanId, args);
        var before = (await host.ObserveAsync("gate0")).Find("gate0")!;

        var (parsed, errors) = VendorScriptArguments.Parse(args);
        Assert.Empty(errors);
        var state = GateImport.ToState([GateImport.FromScript(parsed!, "soracom")]);
        var written = StateWriter.Write(state);
        var reread = StateFile.Parse(written, "imported");
        Assert.True(reread.IsValid, string.Join('\n', reread.Errors));
        Assert.Equal(withVxlanId ? 20u : GateSpec.DefaultVni, reread.State!.Gates[0].Vni);

        var result = await host.Reconciler.ApplyAsync(reread.State, host.Context, Ct);

        Assert.Null(result.Failure);
        Assert.Equal(["adopt-device", "set-address-metric"], result.Executed.Select(s => s.Action));
        var after = (await host.ObserveAsync("gate0")).Find("gate0")!;
        Assert.Equal("gatectl:soracom", after.Device.Alias);
        Assert.Equal([Ownership.AddressMetric], after.Addresses.Select(a => a.Metric));
        var unmarked = after with
        {
            Device = after.Device with { Alias = null },
            Addresses = after.Addresses.Select(a => a with { Metric = 0 }).ToEquatableList(),
        };
        Assert.Equal(before, unmarked);
        Assert.True((await host.Reconciler.PlanAsync(reread.State, host.Context, Ct)).Plan.InSync);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Importing_the_device_gives_the_same_gate_as_importing_the_scripts_arguments(BackendKind backend, bool withVxlanId, string[] args)
    {
        await using var host = await GateHost.CreateAsync(backend);
        await VendorSetupScript.RunAsync(host.Namespace.Name, withVxlanId, args);

        var observed = await host.Reconciler.ObserveDevicesAsync(["gate0"], host.Context, Ct);
        var (fromDevice, problem) = GateImport.FromObserved(observed.Find("gate0")!, observed, "soracom");
        var fromScript = GateImport.FromScript(VendorScriptArguments.Parse(args).Arguments!, "soracom");

        Assert.Null(problem);
        Assert.Equal(fromScript with { Endpoints = Sorted(fromScript.Endpoints) }, fromDevice! with { Endpoints = Sorted(fromDevice.Endpoints) });
    }

    [Fact]
    public async Task A_hand_made_gate_with_an_explicit_mtu_imports_its_mtu_and_pinned_ports_and_adopts_in_place()
    {
        await using var host = await GateHost.CreateAsync(BackendKind.Netlink);
        var ns = host.Namespace;
        await ns.IpAsync("link", "add", "gate0", "mtu", "1400", "type", "vxlan", "id", "30", "local", "192.0.2.10", "dev", "u0",
            "dstport", "4789", "srcport", "4789", "4790", "nolearning");
        await ns.IpAsync("address", "add", "198.18.4.1/22", "dev", "gate0");
        await ns.IpAsync("link", "set", "gate0", "up");
        await ns.BridgeAsync("fdb", "append", "00:00:00:00:00:00", "dev", "gate0", "dst", "203.0.113.7");
        var index = (await host.ObserveAsync("gate0")).Find("gate0")!.Device.Index;

        var observed = await host.Reconciler.ObserveDevicesAsync(["gate0"], host.Context, Ct);
        var (gate, problem) = GateImport.FromObserved(observed.Find("gate0")!, observed);
        Assert.Null(problem);
        Assert.Equal((1400, PortRange.Default, false, 30u, "gate0"), (gate!.Mtu, gate.SourcePorts, gate.Learning, gate.Vni, gate.Name));
        var state = StateFile.Parse(StateWriter.Write(GateImport.ToState([gate])), "imported");
        Assert.True(state.IsValid, string.Join('\n', state.Errors));

        var result = await host.Reconciler.ApplyAsync(state.State!, host.Context, Ct);

        Assert.Null(result.Failure);
        Assert.Equal(["adopt-device", "set-address-metric"], result.Executed.Select(s => s.Action));
        Assert.Equal(index, (await host.ObserveAsync("gate0")).Find("gate0")!.Device.Index);
    }

    [Fact]
    public async Task A_device_that_cannot_be_a_gate_is_not_imported_and_says_why()
    {
        await using var host = await GateHost.CreateAsync(BackendKind.Netlink);
        await host.Namespace.IpAsync("link", "add", "gate0", "type", "vxlan", "id", "10", "dstport", "4789");

        var observed = await host.Reconciler.ObserveDevicesAsync(["gate0", "u0"], host.Context, Ct);
        var (noLocal, why) = GateImport.FromObserved(observed.Find("gate0")!, observed);
        var (veth, notVxlan) = GateImport.FromObserved(observed.Find("u0")!, observed);

        Assert.Null(noLocal);
        Assert.StartsWith("gate0 has no local address; a gate needs both", why, StringComparison.Ordinal);
        Assert.Null(veth);
        Assert.Equal("u0 is a veth device, not vxlan: only a VXLAN device can be a gate", notVxlan);
    }

    private static EquatableList<IPAddress> Sorted(EquatableList<IPAddress> addresses) =>
        addresses.OrderBy(a => a.ToString(), StringComparer.Ordinal).ToEquatableList();
}
