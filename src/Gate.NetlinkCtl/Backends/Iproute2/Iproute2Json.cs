using System.Net;
using System.Text.Json;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Backends.Iproute2;

/// <summary>Reads the JSON of <c>ip -j</c> and <c>bridge -j</c> into observed-state records.</summary>
internal static class Iproute2Json
{
    /// <summary>Devices from <c>ip -d -j link show</c>; the underlay of a VXLAN device is resolved from its name.</summary>
    public static IReadOnlyList<ObservedDevice> Links(string json)
    {
        using var document = JsonDocument.Parse(json);
        var raw = document.RootElement.EnumerateArray().Select(link => (
            Name: link.GetProperty("ifname").GetString()!,
            Index: link.GetProperty("ifindex").GetInt32(),
            Kind: link.TryGetProperty("linkinfo", out var info) && info.TryGetProperty("info_kind", out var kind) ? kind.GetString() ?? "" : "",
            Alias: link.TryGetProperty("ifalias", out var alias) ? alias.GetString() : null,
            Mtu: link.GetProperty("mtu").GetInt32(),
            Up: link.TryGetProperty("flags", out var flags) && flags.EnumerateArray().Any(f => f.GetString() == "UP"),
            Data: info.ValueKind == JsonValueKind.Object && info.TryGetProperty("info_data", out var data) ? data.Clone() : default))
            .ToList();
        var indexByName = raw.ToDictionary(l => l.Name, l => l.Index, StringComparer.Ordinal);
        return [.. raw.Select(l => new ObservedDevice(l.Name, l.Index, l.Kind, l.Alias, l.Mtu, l.Up,
            l.Kind == Reconcile.Ownership.VxlanKind && l.Data.ValueKind == JsonValueKind.Object ? Vxlan(l.Data, indexByName) : null))];
    }

    /// <summary>IPv4 addresses by interface name, from <c>ip -4 -j address show</c>.</summary>
    public static ILookup<string, ObservedAddress> Addresses(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .SelectMany(link => link.TryGetProperty("addr_info", out var infos)
                ? infos.EnumerateArray()
                    .Where(a => a.TryGetProperty("family", out var family) && family.GetString() == "inet")
                    .Select(a => (
                        Name: link.GetProperty("ifname").GetString()!,
                        Address: new ObservedAddress(
                            new InterfaceAddress(IPAddress.Parse(a.GetProperty("local").GetString()!), a.GetProperty("prefixlen").GetInt32()),
                            a.TryGetProperty("metric", out var metric) ? metric.GetUInt32() : 0)))
                    .ToList()
                : [])
            .ToLookup(a => a.Name, a => a.Address, StringComparer.Ordinal);
    }

    /// <summary>FDB entries of one device, from <c>bridge -j fdb show dev X</c>.</summary>
    public static IReadOnlyList<ObservedFdbEntry> Fdb(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(entry => new ObservedFdbEntry(
            entry.GetProperty("mac").GetString()!.ToLowerInvariant(),
            entry.TryGetProperty("dst", out var dst) && IPAddress.TryParse(dst.GetString(), out var destination) ? destination : null,
            entry.TryGetProperty("state", out var state) && state.GetString() == "permanent"))];
    }

    /// <summary>Main-table IPv4 routes by device, from <c>ip -N -4 -j route show table main</c>, without the kernel's prefix routes.</summary>
    public static ILookup<string, ObservedRoute> Routes(string json)
    {
        const int KernelProtocol = 2;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Where(r => r.TryGetProperty("dev", out _))
            .Select(r => (
                Device: r.GetProperty("dev").GetString()!,
                Route: new ObservedRoute(
                    Prefix(r.GetProperty("dst").GetString()!),
                    r.TryGetProperty("gateway", out var gateway) ? IPAddress.Parse(gateway.GetString()!) : null,
                    r.TryGetProperty("protocol", out var protocol) ? ProtocolNumber(protocol) : 0)))
            .Where(r => r.Route.Protocol != KernelProtocol)
            .ToList()
            .ToLookup(r => r.Device, r => r.Route, StringComparer.Ordinal);
    }

    private static ObservedVxlan Vxlan(JsonElement data, Dictionary<string, int> indexByName)
    {
        var underlay = data.TryGetProperty("link", out var link) ? link.GetString() : null;
        var range = data.TryGetProperty("port_range", out var ports)
            ? new PortRange(ports.GetProperty("low").GetUInt16(), ports.GetProperty("high").GetUInt16())
            : new PortRange(0, 0);
        return new ObservedVxlan(
            data.GetProperty("id").GetUInt32(),
            data.TryGetProperty("local", out var local) ? IPAddress.Parse(local.GetString()!) : null,
            underlay,
            underlay is not null && indexByName.TryGetValue(underlay, out var index) ? index : 0,
            data.TryGetProperty("port", out var port) ? port.GetUInt16() : (ushort)0,
            range,
            data.TryGetProperty("learning", out var learning) && learning.GetBoolean());
    }

    private static IPNetwork Prefix(string text) => text switch
    {
        "default" => new IPNetwork(IPAddress.Any, 0),
        _ when text.Contains('/', StringComparison.Ordinal) => IPNetwork.Parse(text),
        _ => new IPNetwork(IPAddress.Parse(text), 32),
    };

    private static int ProtocolNumber(JsonElement protocol) =>
        protocol.ValueKind == JsonValueKind.Number ? protocol.GetInt32()
        : int.TryParse(protocol.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var number) ? number
        : -1;
}
