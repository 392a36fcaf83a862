using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>A failed apply leaves the host exactly as it was: refused before any change, or restored from the checkpoint.</summary>
public sealed class FailureInNamespaceTests
{
    /// <summary>The backends every namespace test runs on.</summary>
    public static TheoryData<BackendKind> Backends => ApplyInNamespaceTests.Backends;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_name_taken_by_another_kind_of_device_changes_nothing(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);
        await host.Namespace.IpAsync("link", "add", "gate1", "type", "veth", "peer", "name", "gate1p");
        var before = await host.ObserveAsync("gate0", "gate1");

        var result = await host.Recorded.ApplyAsync(
            Desired(Soracom(), Soracom("second", "gate1", vni: 20, address: "198.18.1.10/24", routes: [])), host.Context, Ct);

        Assert.Equal(ApplyStage.Plan, result.Failure?.Stage);
        Assert.Contains(
            "interface gate1 exists and is not gatectl's (kind veth): choose another interface name or remove it",
            result.Failure!.Message, StringComparison.Ordinal);
        Assert.Empty(host.Recorder!.Steps);
        Assert.Equal(before, await host.ObserveAsync("gate0", "gate1"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task An_underlay_that_vanishes_mid_apply_leaves_the_host_as_before(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);
        await GateHost.AddUnderlayAsync(host.Namespace, "u1", "198.51.100.10/24");
        Assert.Null((await host.Reconciler.ApplyAsync(Desired(Soracom()), host.Context, Ct)).Failure);
        var before = await host.ObserveAsync("gate0", "gate1");
        var changed = Desired(
            Soracom(mtu: 1400, endpoints: ["192.0.2.1", "192.0.2.3"]),
            Soracom("second", "gate1", vni: 20, underlay: "u1", address: "198.18.1.10/24", routes: []) with
            {
                Local = System.Net.IPAddress.Parse("198.51.100.10"),
            });
        host.BeforeStep = async step =>
        {
            if (step is CreateDevice { Interface: "gate1" })
            {
                await host.Namespace.IpAsync("link", "del", "u1");
            }
        };

        var result = await host.Recorded.ApplyAsync(changed, host.Context, Ct);

        Assert.Equal(ApplyStage.Execute, result.Failure?.Stage);
        Assert.IsType<CreateDevice>(result.Failure!.FailedStep);
        Assert.Contains("u1", result.Failure.Message, StringComparison.Ordinal);
        Assert.True(result.Failure.Restored, result.Failure.RestoreError);
        Assert.Contains(result.Executed, s => s is SetMtu { Mtu: 1400 });
        Assert.Contains(result.Failure.RestoreSteps, s => s is SetMtu { Mtu: 1450 });
        Assert.Equal(before, await host.ObserveAsync("gate0", "gate1"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_failure_after_a_recreate_puts_the_old_device_back(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);
        Assert.Null((await host.Reconciler.ApplyAsync(Desired(Soracom()), host.Context, Ct)).Failure);
        var before = await host.ObserveAsync("gate0");
        var injected = false;
        host.BeforeStep = async step =>
        {
            if (step is AddAddress && !injected)
            {
                injected = true;
                // Someone adds the same address by hand first (without gatectl's metric), so gatectl's add fails.
                await host.Namespace.IpAsync("address", "add", "198.18.0.10/24", "dev", "gate0");
            }
        };

        var result = await host.Recorded.ApplyAsync(Desired(Soracom(vni: 200)), host.Context, Ct);

        Assert.Equal(ApplyStage.Execute, result.Failure?.Stage);
        Assert.IsType<AddAddress>(result.Failure!.FailedStep);
        Assert.True(result.Failure.Restored, result.Failure.RestoreError);
        Assert.Contains(result.Failure.RestoreSteps, s => s is RecreateDevice { Device.Vni: 10 });
        Assert.Equal(before.WithoutIndexes(), (await host.ObserveAsync("gate0")).WithoutIndexes());
    }
}
