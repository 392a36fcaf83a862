using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Migration;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Reconcile;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Migration;

/// <summary>
/// <c>adopt: true</c> against a real kernel when adoption cannot be in place: a mismatching device is reported and left
/// byte for byte as it was, recreated only when the state allows it, and given back intact when an apply fails half-way.
/// </summary>
public sealed class AdoptionInNamespaceTests
{
    private static readonly string[] Script = ["u0", "192.0.2.10", "gate0", "198.18.0.10", "24", "10", "198.51.100.4", "198.51.100.132"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(BackendKind.Netlink)]
    [InlineData(BackendKind.Iproute2)]
    public async Task A_device_whose_source_ports_differ_is_reported_and_left_untouched(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);
        await VendorSetupScript.RunAsync(host.Namespace.Name, withVxlanId: true, Script);
        // A state written by hand with gatectl's default source ports (4789-4789, pinned); the script's range pins nothing.
        var state = Imported() with { SourcePorts = PortRange.Default };
        var before = await KernelSnapshot.TakeAsync(host.Namespace);

        var plan = await host.Reconciler.PlanAsync(GateImport.ToState([state]), host.Context, Ct);
        var result = await host.Reconciler.ApplyAsync(GateImport.ToState([state]), host.Context, Ct);

        Assert.Empty(plan.Plan.Steps);
        Assert.Equal(
            "interface gate0 is a vxlan device gatectl did not make, and adopting it would recreate it: source ports any -> 4789-4789 cannot change in place, "
            + "so its traffic would stop while it is deleted and created again. Make the state match the device "
            + "(gatectl import --interface gate0 prints it as a state), or set adoptMayRecreate: true to accept the recreate",
            Assert.Single(plan.Plan.Problems).Message);
        Assert.Equal(ApplyStage.Plan, result.Failure?.Stage);
        Assert.Empty(result.Executed);
        Assert.Equal(before, await KernelSnapshot.TakeAsync(host.Namespace));
    }

    [Fact]
    public async Task A_mismatching_device_is_recreated_as_the_state_says_when_adopt_may_recreate()
    {
        await using var host = await GateHost.CreateAsync(BackendKind.Netlink);
        await VendorSetupScript.RunAsync(host.Namespace.Name, withVxlanId: true, Script);
        var indexBefore = (await host.ObserveAsync("gate0")).Find("gate0")!.Device.Index;
        var state = GateImport.ToState([Imported() with { Vni = 20, Adoption = GateAdoption.InPlaceOrRecreate }]);

        var result = await host.Reconciler.ApplyAsync(state, host.Context, Ct);

        Assert.Null(result.Failure);
        var recreate = Assert.IsType<RecreateDevice>(result.Executed[0]);
        Assert.Equal("VNI 10 -> 20 cannot change in place; it is not gatectl's and adoptMayRecreate is set", recreate.Reason);
        var after = (await host.ObserveAsync("gate0")).Find("gate0")!;
        Assert.NotEqual(indexBefore, after.Device.Index);
        Assert.Equal((20u, "gatectl:soracom"), (after.Device.Vxlan!.Vni, after.Device.Alias));
    }

    [Theory]
    [InlineData(BackendKind.Netlink)]
    [InlineData(BackendKind.Iproute2)]
    public async Task An_apply_that_fails_after_adopting_gives_the_device_back_byte_for_byte(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);
        await VendorSetupScript.RunAsync(host.Namespace.Name, withVxlanId: true, Script);
        // The state drops one of the script's endpoints and adds another, so adoption is followed by flood changes.
        var state = GateImport.ToState([Imported() with { Endpoints = new EquatableList<System.Net.IPAddress>([System.Net.IPAddress.Parse("198.51.100.4"), System.Net.IPAddress.Parse("203.0.113.9")]) }]);
        var before = await KernelSnapshot.TakeAsync(host.Namespace);
        var injected = false;
        host.BeforeStep = step =>
        {
            if (step is AddFlood && !injected)
            {
                injected = true;
                throw new BackendException(backend.ToString(), step, 0, "injected failure after the adoption");
            }

            return Task.CompletedTask;
        };

        var result = await host.Recorded.ApplyAsync(state, host.Context, Ct);

        Assert.Equal(ApplyStage.Execute, result.Failure?.Stage);
        Assert.Null(result.Failure!.RestoreError);
        Assert.Equal(["adopt-device", "set-address-metric", "remove-flood", "add-flood"], host.Recorder!.Steps.Take(4).Select(s => s.Action));
        Assert.Equal(["add-flood", "set-address-metric", "release-device"], result.Failure.RestoreSteps.Select(s => s.Action));
        Assert.DoesNotContain(result.Failure.RestoreSteps, s => s is DeleteDevice);
        Assert.Equal(before, await KernelSnapshot.TakeAsync(host.Namespace));
    }

    private static GateSpec Imported() => GateImport.FromScript(VendorScriptArguments.Parse(Script).Arguments!, "soracom");
}
