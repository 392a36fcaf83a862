using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.State;

/// <summary>Reads and writes a gate's <c>health</c> block, kept beside the loader and writer so they stay small.</summary>
internal static class HealthYaml
{
    /// <summary>Reads the block at <paramref name="path"/>; null when it is not a mapping (reported).</summary>
    public static HealthSpec? Read(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, StateKeys.Health.Block, context);
        if (fields is null)
        {
            return null;
        }

        var interval = fields.Read(StateKeys.Health.Interval)!.Value;
        var timeout = fields.Read(StateKeys.Health.Timeout)!.Value;

        // Left out, the targets are the gate's probe list and peers (null); given, they replace them, an empty list included.
        var targets = fields.Node(StateKeys.Health.Targets) is { } given && !YamlFields.IsNull(given)
            ? fields.Read(StateKeys.Health.Targets).Select(t => t?.Value ?? System.Net.IPAddress.Any).ToEquatableList()
            : null;
        return new HealthSpec(interval, timeout, targets);
    }

    /// <summary>The block as the writer prints it.</summary>
    public static YamlMappingNode Write(HealthSpec health) => StateWriter.Mapping(StateKeys.Health.Block, health, Values);

    private static readonly Dictionary<string, Func<HealthSpec, YamlNode?>> Values = new(StringComparer.Ordinal)
    {
        [StateKeys.Health.Interval.Name] = h => new YamlScalarNode(DurationText.Format(h.Interval)),
        [StateKeys.Health.Timeout.Name] = h => new YamlScalarNode(DurationText.Format(h.Timeout)),
        [StateKeys.Health.Targets.Name] = h => h.Targets is { } targets ? StateWriter.List(targets) : null,
    };
}
