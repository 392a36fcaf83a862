using System.Net;
using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.State;

/// <summary>Reads and writes a gate's <c>health</c> block, kept beside the loader and writer so they stay small.</summary>
internal static class HealthYaml
{
    /// <summary>The keys of a <c>health</c> block.</summary>
    public static readonly string[] Keys = ["interval", "timeout", "targets"];

    /// <summary>Reads the block at <paramref name="path"/>; null when it is not a mapping (reported).</summary>
    public static HealthSpec? Read(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, "a health block", Keys, context);
        if (fields is null)
        {
            return null;
        }

        var interval = fields.Optional("interval", "expected a whole number with a unit s, m or h, such as 30s (5s..1h)", Parsers.Duration) ?? HealthSpec.DefaultInterval;
        var timeout = fields.Optional("timeout", "expected a whole number with a unit s or m, such as 2s (1s..60s, shorter than interval)", Parsers.Duration) ?? HealthSpec.DefaultTimeout;
        EquatableList<IPAddress>? targets = null;
        if (fields.Node("targets") is { } targetsNode && !YamlFields.IsNull(targetsNode))
        {
            targets = fields.List("targets", "expected a list of inner IPv4 addresses to probe, such as [10.128.0.1]")
                .Select(item => YamlFields.Scalar(item.Node, item.Path, "expected an inner IPv4 address without a prefix, such as 10.128.0.1", Parsers.Ipv4, context)?.Value
                    ?? IPAddress.Any)
                .ToEquatableList();
        }

        return new HealthSpec(interval, timeout, targets);
    }

    /// <summary>The block as the writer prints it.</summary>
    public static YamlMappingNode Write(HealthSpec health)
    {
        var node = new YamlMappingNode
        {
            { "interval", DurationText.Format(health.Interval) },
            { "timeout", DurationText.Format(health.Timeout) },
        };
        if (health.Targets is { } targets)
        {
            node.Add("targets", new YamlSequenceNode(targets.Select(t => new YamlScalarNode(t.ToString()))));
        }

        return node;
    }
}
