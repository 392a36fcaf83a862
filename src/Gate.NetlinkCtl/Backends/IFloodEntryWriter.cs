using System.Net;

namespace Gate.NetlinkCtl.Backends;

/// <summary>
/// A backend capability: appending one flood entry on a device known by its index, in one request and without an
/// observation first. The daemon's fast path (a deleted flood entry put back from its RTM_DELNEIGH) runs only on a
/// backend that has it; iproute2 (a process per change) has not, so there the daemon keeps to full reconciles.
/// </summary>
internal interface IFloodEntryWriter
{
    /// <summary>
    /// Appends the permanent all-zero entry towards <paramref name="destination"/> on device <paramref name="interfaceIndex"/>
    /// (<c>bridge fdb append 00:00:00:00:00:00 dev X dst IP self permanent</c>); false when it is there already.
    /// Throws when the kernel refuses it for another reason (the device is gone, ...).
    /// </summary>
    bool Append(int interfaceIndex, IPAddress destination);
}
