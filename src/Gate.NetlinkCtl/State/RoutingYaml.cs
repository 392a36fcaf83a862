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
    public static YamlMappingNode Write(RoutingSpec routing) => StateWriter.Mapping(StateKeys.Routing.Block, routing, Values);

    private static readonly Dictionary<string, Func<RoutingSpec, YamlNode?>> Values = new(StringComparer.Ordinal)
    {
        [StateKeys.Routing.Forward.Name] = r => StateWriter.Bool(r.Forward),
        [StateKeys.Routing.Masquerade.Name] = r => StateWriter.Bool(r.Masquerade),
        [StateKeys.Routing.Sources.Name] = r => StateWriter.List(r.Sources),
    };
}
