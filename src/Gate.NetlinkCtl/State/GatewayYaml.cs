using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.State;

/// <summary>Reads and writes a gate's <c>gateway</c> block, kept beside the loader and writer so they stay small.</summary>
internal static class GatewayYaml
{
    /// <summary>Reads the block at <paramref name="path"/>; null when it is not a mapping (reported).</summary>
    public static GatewaySpec? Read(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, StateKeys.Gateway.Block, context);
        if (fields is null)
        {
            return null;
        }

        var egress = fields.Read(StateKeys.Gateway.Egress);
        var masquerade = fields.Read(StateKeys.Gateway.Masquerade)!.Value;
        var destinations = fields.Read(StateKeys.Gateway.Destinations)
            .Select(d => d?.Value ?? new System.Net.IPNetwork(System.Net.IPAddress.Any, 0))
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
