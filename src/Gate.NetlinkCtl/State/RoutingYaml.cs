using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.State;

/// <summary>Reads and writes a gate's <c>routing</c> block, kept beside the loader and writer so they stay small.</summary>
internal static class RoutingYaml
{
    /// <summary>Reads the block at <paramref name="path"/>; null when it is not a mapping (reported).</summary>
    public static RoutingSpec? Read(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, StateKeys.Routing.Block, context);
        if (fields is null)
        {
            return null;
        }

        var forward = fields.Read(StateKeys.Routing.Forward)!.Value;
        var masquerade = fields.Read(StateKeys.Routing.Masquerade)!.Value;
        var sources = fields.Read(StateKeys.Routing.Sources)
            .Select(s => s?.Value ?? new System.Net.IPNetwork(System.Net.IPAddress.Any, 0))
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
