using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>apply against a real kernel, in a private namespace, on every backend: create, idempotence, recreate.</summary>
public sealed class ApplyInNamespaceTests
{
    /// <summary>The backends every namespace test runs on.</summary>
    public static TheoryData<BackendKind> Backends => new(BackendKind.Netlink, BackendKind.Iproute2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_fresh_apply_creates_the_gate_the_vendor_script_would(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);

        var result = await host.Reconciler.ApplyAsync(Desired(Soracom()), host.Context, Ct);

        Assert.Null(result.Failure);
        Assert.IsType<CreateDevice>(result.Executed[0]);
        var link = await host.Namespace.IpAsync("-d", "link", "show", "gate0");
        Assert.Contains("mtu 1450", link, StringComparison.Ordinal);
        // The kernel's source port range is half-open: 4789-4789 inclusive is 4789 4790 there (4789 4789 means "any").
        Assert.Contains("vxlan id 10 local 192.0.2.10 dev u0 srcport 4789 4790 dstport 4789 nolearning", link, StringComparison.Ordinal);
        Assert.Contains("alias gatectl:soracom", link, StringComparison.Ordinal);
        Assert.Contains("<BROADCAST,MULTICAST,UP,LOWER_UP>", link, StringComparison.Ordinal);
        var fdb = await host.Namespace.BridgeAsync("fdb", "show", "dev", "gate0");
        Assert.Contains("00:00:00:00:00:00 dst 192.0.2.1 self permanent", fdb, StringComparison.Ordinal);
        Assert.Contains("00:00:00:00:00:00 dst 192.0.2.2 self permanent", fdb, StringComparison.Ordinal);
        var addresses = await host.Namespace.IpAsync("-4", "address", "show", "dev", "gate0");
        Assert.Contains("inet 198.18.0.10/24 metric 147", addresses, StringComparison.Ordinal);
        var routes = await host.Namespace.IpAsync("route", "show", "proto", "147");
        Assert.Contains("198.20.0.0/24 via 198.18.0.1 dev gate0", routes, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Apply_leaves_the_device_the_vendor_script_makes_plus_only_the_ownership_marks(BackendKind backend)
    {
        await using var viaScript = await GateHost.CreateAsync(backend);
        await using var viaGatectl = await GateHost.CreateAsync(backend);
        // The vendor's setup script, step by step (learning stays on, as the script leaves it).
        var ns = viaScript.Namespace;
        await ns.IpAsync("link", "add", "gate0", "type", "vxlan", "local", "192.0.2.10", "id", "10", "dstport", "4789", "srcport", "4789", "4789", "dev", "u0");
        await ns.IpAsync("address", "add", "198.18.0.10/24", "dev", "gate0");
        await ns.IpAsync("link", "set", "gate0", "up");
        await ns.BridgeAsync("fdb", "append", "00:00:00:00:00:00", "dev", "gate0", "dst", "192.0.2.1");
        await ns.BridgeAsync("fdb", "append", "00:00:00:00:00:00", "dev", "gate0", "dst", "192.0.2.2");

        var result = await viaGatectl.Reconciler.ApplyAsync(Desired(Soracom(routes: []) with { Learning = true }), viaGatectl.Context, Ct);

        Assert.Null(result.Failure);
        var script = (await viaScript.ObserveAsync("gate0")).WithoutIndexes().Find("gate0")!;
        var gatectl = (await viaGatectl.ObserveAsync("gate0")).WithoutIndexes().Find("gate0")!;
        Assert.Equal("gatectl:soracom", gatectl.Device.Alias);
        Assert.Equal([Ownership.AddressMetric], gatectl.Addresses.Select(a => a.Metric));
        // The one deliberate difference: the script's "srcport 4789 4789" pins nothing (the kernel's range is
        // half-open), gatectl's pins port 4789 as the vendor intends.
        Assert.Equal(new PortRange(0, 0), script.Device.Vxlan!.SourcePorts);
        Assert.Equal(PortRange.Default, gatectl.Device.Vxlan!.SourcePorts);
        var unmarked = gatectl with
        {
            Device = gatectl.Device with { Alias = null, Vxlan = gatectl.Device.Vxlan with { SourcePorts = new PortRange(0, 0) } },
            Addresses = gatectl.Addresses.Select(a => a with { Metric = 0 }).ToEquatableList(),
        };
        Assert.Equal(script, unmarked);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_second_apply_changes_nothing(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);
        var desired = Desired(Soracom(), Soracom("second", "gate1", vni: 20, address: "198.18.1.10/24", routes: [], endpoints: ["198.51.100.1"]));
        Assert.Null((await host.Reconciler.ApplyAsync(desired, host.Context, Ct)).Failure);
        var before = await host.ObserveAsync("gate0", "gate1");
        using var listener = RtnlEventListener.Open(host.Namespace.Name);

        var second = await host.Recorded.ApplyAsync(desired, host.Context, Ct);

        Assert.True(second.WasInSync);
        Assert.Empty(second.Executed);
        Assert.Empty(host.Recorder!.Steps);
        // A change of our own after the apply marks the end of the window: nothing may come before it.
        await host.Namespace.IpAsync("address", "add", "198.18.255.254/32", "dev", "lo");
        var events = await EventsUntilSentinelAsync(listener);
        Assert.Empty(events);
        Assert.Equal(before, await host.ObserveAsync("gate0", "gate1"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_changed_vni_recreates_the_device_and_says_why(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);
        Assert.Null((await host.Reconciler.ApplyAsync(Desired(Soracom()), host.Context, Ct)).Failure);
        var changed = Desired(Soracom(vni: 200));

        var plan = await host.Reconciler.PlanAsync(changed, host.Context, Ct);
        var result = await host.Reconciler.ApplyAsync(changed, host.Context, Ct);

        var recreate = Assert.IsType<RecreateDevice>(plan.Plan.Steps[0]);
        Assert.Equal("VNI 10 -> 200 cannot change in place", recreate.Reason);
        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Contains("vxlan id 200 ", await host.Namespace.IpAsync("-d", "link", "show", "gate0"), StringComparison.Ordinal);
        var gate = (await host.ObserveAsync("gate0")).Find("gate0")!;
        Assert.Equal(2, gate.OwnedFloods.Count());
        Assert.Single(gate.OwnedAddresses);
        Assert.Single(gate.OwnedRoutes);
        Assert.True((await host.Reconciler.DiffAsync(changed, host.Context, Ct)).InSync);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Gates_marked_absent_or_dropped_from_the_file_are_deleted(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);
        var second = Soracom("second", "gate1", vni: 20, address: "198.18.1.10/24", routes: []);
        var third = Soracom("third", "gate2", vni: 30, address: "198.18.2.10/24", routes: []);
        Assert.Null((await host.Reconciler.ApplyAsync(Desired(Soracom(), second, third), host.Context, Ct)).Failure);
        var next = Desired(Soracom(), second with { State = GatePresence.Absent });

        var diff = await host.Reconciler.DiffAsync(next, host.Context, Ct);
        var result = await host.Reconciler.ApplyAsync(next, host.Context, Ct);

        Assert.Contains(diff.Gates, g => g.Gate == "third" && g.Status == Gate.NetlinkCtl.Reconcile.Diff.GateStatus.Orphaned);
        Assert.Contains(diff.Gates, g => g.Gate == "second" && g.Status == Gate.NetlinkCtl.Reconcile.Diff.GateStatus.Drifted);
        Assert.True(result.Succeeded, result.Failure?.Message);
        var after = await host.ObserveAsync("gate0", "gate1", "gate2");
        Assert.Equal(["gate0"], after.Gates.Select(g => g.Interface));
    }

    private static async Task<List<RtnlEvent>> EventsUntilSentinelAsync(RtnlEventListener listener)
    {
        var seen = new List<RtnlEvent>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        await foreach (var change in listener.ReadAllAsync(timeout.Token))
        {
            if (change is AddressEvent { Address.Address: var address } && address.ToString() == "198.18.255.254")
            {
                return seen;
            }

            seen.Add(change);
        }

        throw new TimeoutException("the sentinel address event never arrived");
    }
}
