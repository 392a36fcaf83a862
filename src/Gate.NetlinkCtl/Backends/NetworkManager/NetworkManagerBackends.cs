using Gate.NetlinkCtl.Backends.Netlink;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Backends.NetworkManager;

/// <summary>Adds the NetworkManager backend to a <see cref="BackendSelector"/>: for <c>networkmanager</c> and for <c>auto</c>.</summary>
internal static class NetworkManagerBackends
{
    /// <summary>
    /// A copy of <paramref name="selector"/> where <c>networkmanager</c> makes every gate a profile (NetworkManager must
    /// be reachable) and <c>auto</c> makes a new gate a profile only when NetworkManager manages its underlay. Both talk
    /// to <paramref name="busAddress"/>, or to the system bus (<c>DBUS_SYSTEM_BUS_ADDRESS</c> or the default socket), and
    /// only to a NetworkManager that runs in the namespace being programmed (<c>--netns</c>, or gatectl's own).
    /// </summary>
    public static BackendSelector Register(BackendSelector selector, string? busAddress = null) => selector
        .WithBackend(BackendKind.NetworkManager,
            context => NetworkManagerBackend.ForBus(busAddress, context.Netns, new NetlinkBackend(context.Netns), NetworkManagerMode.Required))
        .WithAutoBackend(
            (context, netlink) => NetworkManagerBackend.ForBus(busAddress, context.Netns, netlink(), NetworkManagerMode.Auto));
}
