using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.State;

/// <summary>Reads and writes a gate's <c>gateway</c> block, kept beside the loader and writer so they stay small.</summary>
internal static class GatewayYaml
{
    /// <summary>The keys of a <c>gateway</c> block.</summary>
    public static readonly string[] Keys = ["egress", "masquerade", "destinations"];

    /// <summary>Reads the block at <paramref name="path"/>; null when it is not a mapping (reported).</summary>
    public static GatewaySpec? Read(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, "a gateway block", Keys, context);
        if (fields is null)
        {
            return null;
        }

        var egress = fields.RequiredText("egress", "expected the interface the devices' traffic leaves by, such as eth0");
        var masquerade = fields.Optional("masquerade", "expected true (the traffic leaves with the egress address) or false", Parsers.Boolean) ?? false;
        var destinations = fields.List("destinations", "expected a list of the networks the devices may reach, such as [0.0.0.0/0]")
            .Select(item => YamlFields.Scalar(item.Node, item.Path, "expected a network written a.b.c.d/n, such as 203.0.113.0/24", Parsers.Ipv4Network, context)?.Value
                ?? new System.Net.IPNetwork(System.Net.IPAddress.Any, 0))
            .ToEquatableList();
        return new GatewaySpec(egress ?? string.Empty, masquerade, destinations);
    }

    /// <summary>The block as the writer prints it.</summary>
    public static YamlMappingNode Write(GatewaySpec gateway)
    {
        var node = new YamlMappingNode
        {
            { "egress", gateway.Egress },
            { "masquerade", gateway.Masquerade ? "true" : "false" },
        };
        if (gateway.Destinations.Count > 0)
        {
            node.Add("destinations", new YamlSequenceNode(gateway.Destinations.Select(d => new YamlScalarNode(d.ToString()))));
        }

        return node;
    }
}
