using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.State;

/// <summary>Reads and writes a gate's <c>routing</c> block, kept beside the loader and writer so they stay small.</summary>
internal static class RoutingYaml
{
    /// <summary>The keys of a <c>routing</c> block.</summary>
    public static readonly string[] Keys = ["forward", "masquerade", "sources"];

    /// <summary>Reads the block at <paramref name="path"/>; null when it is not a mapping (reported).</summary>
    public static RoutingSpec? Read(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, "a routing block", Keys, context);
        if (fields is null)
        {
            return null;
        }

        var forward = fields.Optional("forward", "expected true (forward between the underlay and the gate) or false", Parsers.Boolean) ?? true;
        var masquerade = fields.Optional("masquerade", "expected true (the devices see the peer's inner address) or false", Parsers.Boolean) ?? false;
        var sources = fields.List("sources", "expected a list of the networks that may reach the device subnet, such as [192.0.2.0/24]")
            .Select(item => YamlFields.Scalar(item.Node, item.Path, "expected a network written a.b.c.d/n, such as 192.0.2.0/24", Parsers.Ipv4Network, context)?.Value
                ?? new System.Net.IPNetwork(System.Net.IPAddress.Any, 0))
            .ToEquatableList();
        return new RoutingSpec(forward, masquerade, sources);
    }

    /// <summary>The block as the writer prints it.</summary>
    public static YamlMappingNode Write(RoutingSpec routing) => new()
    {
        { "forward", routing.Forward ? "true" : "false" },
        { "masquerade", routing.Masquerade ? "true" : "false" },
        { "sources", new YamlSequenceNode(routing.Sources.Select(s => new YamlScalarNode(s.ToString()))) },
    };
}
