using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gate.NetlinkCtl.Backends.NetworkManager.Bus;
using Gate.NetlinkCtl.State;
using Tmds.DBus.Protocol;

namespace Gate.NetlinkCtl.Backends.NetworkManager.Profiles;

/// <summary>
/// Translates a <see cref="VxlanProfile"/> to NetworkManager's settings and back. NetworkManager omits properties
/// that hold their default, so reading applies NetworkManager's documented defaults (learning on, port 8472, ...).
/// </summary>
internal static class ProfileSettings
{
    /// <summary>The setting NetworkManager reads a VXLAN device's MTU from.</summary>
    public const string MtuSetting = "802-3-ethernet";

    private const string Connection = "connection";
    private const string Vxlan = "vxlan";
    private const string Ipv4 = "ipv4";
    private const string Ipv6 = "ipv6";

    // NetworkManager's defaults for properties it leaves out of GetSettings.
    private const uint DefaultVxlanPort = 8472;
    private const bool DefaultLearning = true;
    private const bool DefaultAutoconnect = true;
    private const long DefaultRouteMetric = -1;

    /// <summary>The settings that make NetworkManager create the profile's device as gatectl wants it.</summary>
    public static NmSettings ToSettings(VxlanProfile profile)
    {
        var settings = new NmSettings()
            .Set(Connection, "id", profile.Id)
            .Set(Connection, "uuid", profile.Uuid.ToString())
            .Set(Connection, "type", Vxlan)
            .Set(Connection, "interface-name", profile.Interface)
            .Set(Connection, "autoconnect", profile.Autoconnect)
            .Set(Vxlan, "id", profile.Vni)
            .Set(Vxlan, "destination-port", (uint)profile.Port)
            // NetworkManager hands both numbers to the kernel as they are: the kernel's half-open form.
            .Set(Vxlan, "source-port-min", (uint)profile.SourcePorts.ToKernel().Min)
            .Set(Vxlan, "source-port-max", (uint)profile.SourcePorts.ToKernel().Max)
            .Set(Vxlan, "learning", profile.Learning)
            .Set(MtuSetting, "mtu", (uint)profile.Mtu)
            .Set(Ipv4, "route-metric", profile.RouteMetric)
            .Set(Ipv6, "method", "disabled");
        if (profile.Local is not null)
        {
            settings.Set(Vxlan, "local", profile.Local.ToString());
        }

        if (profile.Underlay is not null)
        {
            settings.Set(Vxlan, "parent", profile.Underlay);
        }

        if (profile.Addresses.Count == 0)
        {
            // "manual" without addresses is invalid; a gate without an address still carries L2 traffic.
            settings.Set(Ipv4, "method", "disabled");
        }
        else
        {
            settings.Set(Ipv4, "method", "manual");
            settings.Set(Ipv4, "address-data", AddressData(profile.Addresses));
        }

        return settings;
    }

    /// <summary>
    /// Reads a profile back; null when it is not a VXLAN profile carrying gatectl's marks (connection id and UUID).
    /// </summary>
    public static VxlanProfile? FromSettings(NmSettings settings)
    {
        var id = settings.Get(Connection, "id")?.GetString() ?? "";
        var uuid = settings.Get(Connection, "uuid")?.GetString() ?? "";
        var gate = ProfileIdentity.GateOf(id, uuid);
        if (gate is null || settings.Get(Connection, "type")?.GetString() != Vxlan)
        {
            return null;
        }

        return new VxlanProfile(
            gate,
            settings.Get(Connection, "interface-name")?.GetString() ?? "",
            UInt(settings.Get(Vxlan, "id"), 0),
            settings.Get(Vxlan, "local")?.GetString() is { } local && IPAddress.TryParse(local, out var address) ? address : null,
            settings.Get(Vxlan, "parent")?.GetString() is { Length: > 0 } parent ? parent : null,
            (ushort)UInt(settings.Get(Vxlan, "destination-port"), DefaultVxlanPort),
            PortRange.FromKernel(
                (ushort)UInt(settings.Get(Vxlan, "source-port-min"), 0),
                (ushort)UInt(settings.Get(Vxlan, "source-port-max"), 0)),
            settings.Get(Vxlan, "learning")?.GetBool() ?? DefaultLearning,
            (int)UInt(settings.Get(MtuSetting, "mtu"), 0),
            ReadAddresses(settings),
            settings.Get(Ipv4, "route-metric")?.GetInt64() ?? DefaultRouteMetric,
            settings.Get(Connection, "autoconnect")?.GetBool() ?? DefaultAutoconnect);
    }

    private static uint UInt(VariantValue? value, uint fallback) => value?.GetUInt32() ?? fallback;

    private static VariantValue AddressData(IEnumerable<InterfaceAddress> addresses)
    {
        var items = new Array<Dict<string, VariantValue>>();
        foreach (var address in addresses)
        {
            items.Add(new Dict<string, VariantValue>
            {
                { "address", address.Address.ToString() },
                { "prefix", (uint)address.PrefixLength },
            });
        }

        return items;
    }

    private static EquatableList<InterfaceAddress> ReadAddresses(NmSettings settings)
    {
        if (settings.Get(Ipv4, "method")?.GetString() != "manual" || settings.Get(Ipv4, "address-data") is not { } data)
        {
            return EquatableList<InterfaceAddress>.Empty;
        }

        var addresses = new List<InterfaceAddress>();
        for (var i = 0; i < data.Count; i++)
        {
            var entry = data.GetItem(i).GetDictionary<string, VariantValue>();
            if (entry.TryGetValue("address", out var text)
                && IPAddress.TryParse(text.GetString(), out var address)
                && address.AddressFamily == AddressFamily.InterNetwork
                && entry.TryGetValue("prefix", out var prefix))
            {
                addresses.Add(new InterfaceAddress(address, (int)prefix.GetUInt32()));
            }
        }

        return addresses.ToEquatableList();
    }

    /// <summary>A short description of a profile for messages (<c>vxlan id 10 local ... mtu 1400</c>).</summary>
    public static string Describe(VxlanProfile profile) => string.Create(CultureInfo.InvariantCulture,
        $"profile {profile.Id} ({profile.Uuid}): {profile.Interface} vxlan id {profile.Vni} local {profile.Local?.ToString() ?? "none"} " +
        $"parent {profile.Underlay ?? "none"} dstport {profile.Port} srcport {profile.SourcePorts.Low}-{profile.SourcePorts.High} " +
        $"{(profile.Learning ? "learning" : "nolearning")} mtu {profile.Mtu} ipv4 [{string.Join(", ", profile.Addresses)}] metric {profile.RouteMetric}");
}
