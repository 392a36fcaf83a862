using System.Net;
using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.State;

/// <summary>Reads and writes a gate's <c>ha</c> block, kept beside the loader and writer so they stay small.</summary>
internal static class HaYaml
{
    /// <summary>The keys of an <c>ha</c> block.</summary>
    public static readonly string[] Keys = ["virtualAddress", "routerId", "priority", "peers"];

    private const string RouterIdExpected = "expected the VRRP virtual router id, an integer 1..255, the same on both peers";
    private const string PriorityExpected = "expected this host's VRRP priority, an integer 1..254 (the higher one holds the address)";

    /// <summary>Reads the block at <paramref name="path"/>; null when it is not a mapping (reported).</summary>
    public static HaSpec? Read(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, "an HA pair", Keys, context);
        if (fields is null)
        {
            return null;
        }

        var virtualAddress = fields.Required("virtualAddress",
            "expected the virtual inner address with the device subnet's prefix, such as 10.128.0.250/9", Parsers.Ipv4WithPrefix);
        var routerId = Byte(fields, "routerId", HaSpec.MinRouterId, HaSpec.MaxRouterId, RouterIdExpected, context);
        var priority = Byte(fields, "priority", HaSpec.MinPriority, HaSpec.MaxPriority, PriorityExpected, context);
        var peers = fields.List("peers", "expected a list of the other peers' inner IPv4 addresses")
            .Select(item => YamlFields.Scalar(item.Node, item.Path, "expected the other peer's inner IPv4 address, without a prefix", Parsers.Ipv4, context)?.Value
                ?? IPAddress.Any)
            .ToEquatableList();
        if (fields.Node("peers") is null && !context.Map.IsBroken(fields.PathOf("peers")))
        {
            context.Error(fields.PathOf("peers"), node, "'peers' is missing; expected the other peers' inner addresses (at least one), such as [10.128.0.253]");
        }

        return new HaSpec(virtualAddress ?? new InterfaceAddress(IPAddress.Any, 0), routerId ?? HaSpec.MinRouterId, priority ?? HaSpec.MinPriority, peers);
    }

    /// <summary>The block as the writer prints it.</summary>
    public static YamlMappingNode Write(HaSpec ha) => new()
    {
        { "virtualAddress", ha.VirtualAddress.ToString() },
        { "routerId", ha.RouterId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        { "priority", ha.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        { "peers", new YamlSequenceNode(ha.Peers.Select(p => new YamlScalarNode(p.ToString()))) },
    };

    private static byte? Byte(YamlFields fields, string key, int min, int max, string expected, LoadContext context)
    {
        var value = fields.Required(key, expected, Parsers.Integer);
        if (value is null)
        {
            return null;
        }

        if (value < min || value > max)
        {
            context.Error(fields.PathOf(key), fields.Node(key)!, StateLimits.OutOfRange(value, expected));
            return null;
        }

        return (byte)value.Value;
    }
}
