using System.Net;
using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.State;

/// <summary>Reads and writes a gate's <c>ha</c> block, kept beside the loader and writer so they stay small.</summary>
internal static class HaYaml
{
    /// <summary>Reads the block at <paramref name="path"/>; null when it is not a mapping (reported).</summary>
    public static HaSpec? Read(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, StateKeys.Ha.Block, context);
        if (fields is null)
        {
            return null;
        }

        var virtualAddress = fields.Read(StateKeys.Ha.VirtualAddress);
        var routerId = fields.Read(StateKeys.Ha.RouterId);
        var priority = fields.Read(StateKeys.Ha.Priority);
        var peers = fields.Read(StateKeys.Ha.Peers).Select(p => p?.Value ?? IPAddress.Any).ToEquatableList();
        if (fields.Node(StateKeys.Ha.Peers) is null && !context.Map.IsBroken(fields.PathOf(StateKeys.Ha.Peers)))
        {
            context.Error(fields.PathOf(StateKeys.Ha.Peers), node, "'peers' is missing; expected the other peers' inner addresses (at least one), such as [10.128.0.253]");
        }

        return new HaSpec(virtualAddress ?? new InterfaceAddress(IPAddress.Any, 0), (byte)(routerId ?? HaSpec.MinRouterId), (byte)(priority ?? HaSpec.MinPriority), peers);
    }

    /// <summary>The block as the writer prints it.</summary>
    public static YamlMappingNode Write(HaSpec ha) => StateWriter.Mapping(StateKeys.Ha.Block, ha, Values);

    private static readonly Dictionary<string, Func<HaSpec, YamlNode?>> Values = new(StringComparer.Ordinal)
    {
        [StateKeys.Ha.VirtualAddress.Name] = h => StateWriter.Text(h.VirtualAddress),
        [StateKeys.Ha.RouterId.Name] = h => StateWriter.Number(h.RouterId),
        [StateKeys.Ha.Priority.Name] = h => StateWriter.Number(h.Priority),
        [StateKeys.Ha.Peers.Name] = h => StateWriter.List(h.Peers),
    };
}
