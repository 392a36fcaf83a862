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
    public static YamlMappingNode Write(GatewaySpec gateway) => StateWriter.Mapping(StateKeys.Gateway.Block, gateway, Values);

    private static readonly Dictionary<string, Func<GatewaySpec, YamlNode?>> Values = new(StringComparer.Ordinal)
    {
        [StateKeys.Gateway.Egress.Name] = g => new YamlScalarNode(g.Egress),
        [StateKeys.Gateway.Masquerade.Name] = g => StateWriter.Bool(g.Masquerade),
        [StateKeys.Gateway.Destinations.Name] = g => g.Destinations.Count > 0 ? StateWriter.List(g.Destinations) : null,
    };
}
