using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile.Observe;

/// <summary>Turns gatectl's observed gates back into the state file's schema, so applying the result changes nothing.</summary>
internal static class ShownState
{
    /// <summary>The desired state that matches every gatectl gate in <paramref name="host"/>, plus the gates that cannot be expressed and why.</summary>
    public static (DesiredState State, EquatableList<string> Skipped) FromObserved(ObservedHost host)
    {
        var gates = new List<GateSpec>();
        var skipped = new List<string>();
        foreach (var gate in host.Gates.Where(g => g.IsGatectls))
        {
            if (ToSpec(gate, host) is { } spec)
            {
                gates.Add(spec);
            }
            else
            {
                skipped.Add($"{gate.Interface} (gate {gate.Device.OwnerGate}) has no gatectl address or no underlay: apply its state file to repair it");
            }
        }

        return (new DesiredState(StateSchema.ApiVersion, StateSchema.Kind, HostSettings.Default, gates.ToEquatableList()), skipped.ToEquatableList());
    }

    private static GateSpec? ToSpec(ObservedGate gate, ObservedHost host)
    {
        var vxlan = gate.Device.Vxlan!;
        var address = gate.OwnedAddresses.Cast<InterfaceAddress?>().FirstOrDefault();
        if (address is not { } inner || vxlan.UnderlayName is null || vxlan.Local is null)
        {
            return null;
        }

        var underlay = host.FindUnderlay(vxlan.UnderlayName);
        int? mtu = underlay is not null && underlay.Mtu - GateSpec.VxlanOverhead == gate.Device.Mtu ? null : gate.Device.Mtu;
        return new GateSpec(
            gate.Device.OwnerGate!,
            gate.Interface,
            vxlan.Vni,
            vxlan.UnderlayName,
            vxlan.Local,
            vxlan.Port,
            vxlan.SourcePorts,
            inner,
            inner.Network,
            mtu,
            vxlan.Learning,
            gate.OwnedFloods.ToEquatableList(),
            EquatableList<PeerSpec>.Empty,
            gate.OwnedRoutes.Where(r => r.Gateway is not null).Select(r => new RouteSpec(r.Destination, r.Gateway!)).ToEquatableList(),
            GatePresence.Present);
    }

    /// <summary>The underlay names gatectl's devices in <paramref name="host"/> sit on.</summary>
    public static ObserveRequest UnderlaysOf(ObservedHost host) => new(
        EquatableList<string>.Empty,
        host.Gates.Where(g => g.IsGatectls).Select(g => g.Device.Vxlan?.UnderlayName).OfType<string>().Distinct().ToEquatableList());
}
