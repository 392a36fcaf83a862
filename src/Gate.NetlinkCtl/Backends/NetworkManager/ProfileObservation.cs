using Gate.NetlinkCtl.Backends.NetworkManager.Bus;
using Gate.NetlinkCtl.Backends.NetworkManager.Profiles;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Backends.NetworkManager;

/// <summary>
/// NetworkManager's view of a gatectl profile, in the reconciler's observed records: the profile's values stand for
/// the device (so a profile changed with nmcli is drift before it is reapplied), the device carries gatectl's alias
/// mark because the profile does, and "up" means "active with this profile, and the kernel device matches it".
/// Flood entries and routes are the kernel's, as rtnetlink observed them.
/// </summary>
internal static class ProfileObservation
{
    /// <summary>The gate a stored profile describes, given the kernel's observation of the same namespace.</summary>
    public static async Task<ObservedGate> ObserveAsync(INetworkManager nm, string profilePath, VxlanProfile profile, ObservedHost kernel, CancellationToken cancellationToken)
    {
        var device = kernel.Find(profile.Interface);
        var applied = device is not null
            && KernelMatches(profile, device)
            && await IsActiveWithAsync(nm, profilePath, profile.Interface, cancellationToken).ConfigureAwait(false);
        var profileAddresses = profile.Addresses.ToHashSet();
        var foreignAddresses = device?.Addresses.Where(a => !profileAddresses.Contains(a.Address)) ?? [];

        var observed = new ObservedDevice(
            profile.Interface,
            device?.Device.Index ?? 0,
            Ownership.VxlanKind,
            Ownership.AliasFor(profile.Gate),
            profile.Mtu != 0 ? profile.Mtu : device?.Device.Mtu ?? 0,
            applied,
            new ObservedVxlan(
                profile.Vni,
                profile.Local,
                profile.Underlay,
                device?.Device.Vxlan?.UnderlayIndex ?? 0,
                profile.Port,
                profile.SourcePorts,
                profile.Learning));
        return new ObservedGate(
            observed,
            profile.Addresses.Select(a => new ObservedAddress(a, Ownership.AddressMetric)).Concat(foreignAddresses).ToEquatableList(),
            device?.Fdb ?? EquatableList<ObservedFdbEntry>.Empty,
            device?.Routes ?? EquatableList<ObservedRoute>.Empty);
    }

    /// <summary>True when the kernel device is what the profile (and gatectl's fixed profile settings) describe.</summary>
    private static bool KernelMatches(VxlanProfile profile, ObservedGate device)
    {
        var vxlan = device.Device.Vxlan;
        var kernelAddresses = device.Addresses.Select(a => a.Address).ToHashSet();
        return vxlan is not null
            && device.Device.Up
            && vxlan.Vni == profile.Vni
            && Equals(vxlan.Local, profile.Local)
            && vxlan.UnderlayName == profile.Underlay
            && vxlan.Port == profile.Port
            && vxlan.SourcePorts == profile.SourcePorts
            && vxlan.Learning == profile.Learning
            && (profile.Mtu == 0 || device.Device.Mtu == profile.Mtu)
            && profile.Addresses.All(kernelAddresses.Contains)
            && profile.RouteMetric == Ownership.AddressMetric
            && profile.Autoconnect;
    }

    private static async Task<bool> IsActiveWithAsync(INetworkManager nm, string profilePath, string iface, CancellationToken cancellationToken)
    {
        var device = await nm.FindDeviceAsync(iface, cancellationToken).ConfigureAwait(false);
        if (device?.ActiveConnection is not { } activePath)
        {
            return false;
        }

        var active = await nm.GetActiveConnectionAsync(activePath, cancellationToken).ConfigureAwait(false);
        return active is { State: NmActiveConnectionState.Activated } && active.ProfilePath == profilePath;
    }
}
