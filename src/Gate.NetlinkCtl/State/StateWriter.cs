using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.State;

/// <summary>
/// Writes a <see cref="DesiredState"/> as YAML in the state-file schema, every default spelled out
/// (so <c>gatectl show</c> says what is in force), such that loading the output gives back an equal state.
/// </summary>
internal static class StateWriter
{
    /// <summary>The state as YAML text.</summary>
    public static string Write(DesiredState state)
    {
        using var text = new StringWriter();
        Write(state, text);
        return text.ToString();
    }

    /// <summary>Writes the state as YAML to <paramref name="output"/>.</summary>
    public static void Write(DesiredState state, TextWriter output)
    {
        var stream = new YamlStream(new YamlDocument(ToNode(state)));
        using var buffer = new StringWriter();
        stream.Save(buffer, assignAnchors: false);

        // The emitter closes the document with "..."; a state file is one document and needs no marker.
        var yaml = buffer.ToString();
        var end = yaml.LastIndexOf("...", StringComparison.Ordinal);
        output.Write(end >= 0 && yaml[end..].Trim() == "..." ? yaml[..end] : yaml);
    }

    // Each mapping is written in its StateKeys order; a key's entry gives its node, or null to leave it out.
    // Every key of the description needs an entry here (Mapping refuses a key it cannot write). Inner mappings first.

    // One source is written: the file when there is one, the environment otherwise.
    private static readonly Dictionary<string, Func<SoracomCredentialsSource, YamlNode?>> CredentialValues = new(StringComparer.Ordinal)
    {
        [StateKeys.Credentials.File.Name] = c => c.File is { } file ? Quoted(file) : null,
        [StateKeys.Credentials.Env.Name] = c => c.File is null ? Bool(c.Environment) : null,
    };

    private static readonly Dictionary<string, Func<SoracomSource, YamlNode?>> SoracomValues = new(StringComparer.Ordinal)
    {
        [StateKeys.Soracom.VpgId.Name] = s => Quoted(s.VpgId),
        [StateKeys.Soracom.Coverage.Name] = s => new YamlScalarNode(StateKeys.Soracom.Coverage.WordFor(s.Coverage)),
        [StateKeys.Soracom.Credentials.Name] = s => Mapping(StateKeys.Credentials.Block, s.Credentials, CredentialValues),
        [StateKeys.Soracom.ApiUrl.Name] = s => s.ApiUrl is { } url ? Quoted(url.ToString()) : null,
        [StateKeys.Soracom.Timeout.Name] = s => new YamlScalarNode(DurationText.Format(s.Timeout)),
        [StateKeys.Soracom.RefreshInterval.Name] = s => new YamlScalarNode(DurationText.Format(s.RefreshInterval)),
        [StateKeys.Soracom.Register.Name] = s => s.Register ? Bool(true) : null,
    };

    private static readonly Dictionary<string, Func<PeerSpec, YamlNode?>> PeerValues = new(StringComparer.Ordinal)
    {
        [StateKeys.Peer.Outer.Name] = p => Text(p.Outer),
        [StateKeys.Peer.Inner.Name] = p => p.Inner is { } inner ? Text(inner) : null,
        [StateKeys.Peer.Name.Name] = p => p.Name is { } name ? Quoted(name) : null,
    };

    private static readonly Dictionary<string, Func<RouteSpec, YamlNode?>> RouteValues = new(StringComparer.Ordinal)
    {
        [StateKeys.Route.To.Name] = r => Text(r.To),
        [StateKeys.Route.Via.Name] = r => Text(r.Via),
    };

    // Taken from the VPG when the source says so (vni, deviceSubnet): written back, they would stop following the VPG.
    private static readonly Dictionary<string, Func<GateSpec, YamlNode?>> GateValues = new(StringComparer.Ordinal)
    {
        [StateKeys.Gate.Name.Name] = g => Quoted(g.Name),
        [StateKeys.Gate.Interface.Name] = g => Quoted(g.Interface),
        [StateKeys.Gate.Vni.Name] = g => g.Soracom is not { VniFromVpg: true } ? Number(g.Vni) : null,
        [StateKeys.Gate.Underlay.Name] = g => Quoted(g.Underlay),
        [StateKeys.Gate.Local.Name] = g => Text(g.Local),
        [StateKeys.Gate.Port.Name] = g => Number(g.Port),
        [StateKeys.Gate.SourcePorts.Name] = g => Text(g.SourcePorts),
        [StateKeys.Gate.Address.Name] = g => Text(g.Address),
        [StateKeys.Gate.DeviceSubnet.Name] = g => g.Soracom is not { DeviceSubnetFromVpg: true } ? Text(g.DeviceSubnet) : null,
        [StateKeys.Gate.Mtu.Name] = g => g.Mtu is { } mtu ? Number(mtu) : null,
        [StateKeys.Gate.Learning.Name] = g => Bool(g.Learning),
        [StateKeys.Gate.Endpoints.Name] = g => List(g.Endpoints),
        [StateKeys.Gate.Peers.Name] = g => g.Peers.Count > 0 ? new YamlSequenceNode(g.Peers.Select(p => Mapping(StateKeys.Peer.Block, p, PeerValues))) : null,
        [StateKeys.Gate.Routes.Name] = g => g.Routes.Count > 0 ? new YamlSequenceNode(g.Routes.Select(r => Mapping(StateKeys.Route.Block, r, RouteValues))) : null,
        [StateKeys.Gate.State.Name] = g => new YamlScalarNode(StateKeys.Gate.State.WordFor(g.State)),
        [StateKeys.Gate.Soracom.Name] = g => g.Soracom is { } soracom ? Mapping(StateKeys.Soracom.Block, soracom, SoracomValues) : null,
        [StateKeys.Gate.Adopt.Name] = g => g.Adoption != GateAdoption.Off ? Bool(true) : null,
        [StateKeys.Gate.AdoptMayRecreate.Name] = g => g.Adoption == GateAdoption.InPlaceOrRecreate ? Bool(true) : null,
        [StateKeys.Gate.Ha.Name] = g => g.Ha is { } ha ? HaYaml.Write(ha) : null,
        [StateKeys.Gate.Routing.Name] = g => g.Routing is { } routing ? RoutingYaml.Write(routing) : null,
        [StateKeys.Gate.Gateway.Name] = g => g.Gateway is { } gateway ? GatewayYaml.Write(gateway) : null,
        [StateKeys.Gate.Probe.Name] = g => g.ProbeTargets.Count > 0 ? List(g.ProbeTargets) : null,
        [StateKeys.Gate.Health.Name] = g => g.Health is { } health ? HealthYaml.Write(health) : null,
    };

    private static readonly Dictionary<string, Func<HostSettings, YamlNode?>> HostValues = new(StringComparer.Ordinal)
    {
        [StateKeys.Host.Backend.Name] = h => new YamlScalarNode(StateKeys.Host.Backend.WordFor(h.Backend)),
        [StateKeys.Host.ReconcileInterval.Name] = h => new YamlScalarNode(DurationText.Format(h.ReconcileInterval)),
        [StateKeys.Host.MetricsPath.Name] = h => h.MetricsPath is { } path ? Quoted(path) : null,
        [StateKeys.Host.Guard.Name] = h => Bool(h.Guard),
        [StateKeys.Host.StateDirectory.Name] = h => h.StateDirectory != HostSettings.DefaultStateDirectory ? Quoted(h.StateDirectory) : null,
    };

    private static readonly Dictionary<string, Func<DesiredState, YamlNode?>> RootValues = new(StringComparer.Ordinal)
    {
        [StateKeys.Root.ApiVersion.Name] = s => new YamlScalarNode(s.ApiVersion),
        [StateKeys.Root.Kind.Name] = s => new YamlScalarNode(s.Kind),
        [StateKeys.Root.Host.Name] = s => Mapping(StateKeys.Host.Block, s.Host, HostValues),
        [StateKeys.Root.Gates.Name] = s => new YamlSequenceNode(s.Gates.Select(g => Mapping(StateKeys.Gate.Block, g, GateValues))),
    };

    private static YamlMappingNode ToNode(DesiredState state) => Mapping(StateKeys.Root.Block, state, RootValues);

    /// <summary>
    /// <paramref name="record"/> as a mapping of <paramref name="block"/>'s keys in their order, each valued by its entry in
    /// <paramref name="values"/> (null leaves the key out).
    /// </summary>
    /// <exception cref="InvalidOperationException">A key of the block has no entry: the writer would drop it.</exception>
    internal static YamlMappingNode Mapping<T>(SchemaBlock block, T record, IReadOnlyDictionary<string, Func<T, YamlNode?>> values)
    {
        var node = new YamlMappingNode();
        foreach (var key in block.Names)
        {
            if (!values.TryGetValue(key, out var value))
            {
                throw new InvalidOperationException($"the state writer has no value for the key '{key}' of {block.What}; add it beside the others");
            }

            if (value(record) is { } written)
            {
                node.Add(key, written);
            }
        }

        return node;
    }

    internal static YamlScalarNode Text(object value) => new(value.ToString());

    internal static YamlScalarNode Number(long value) => new(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    internal static YamlSequenceNode List<T>(IEnumerable<T> values) where T : notnull =>
        new(values.Select(v => new YamlScalarNode(v.ToString())));

    internal static YamlScalarNode Bool(bool value) => new(value ? "true" : "false");

    // Free text is quoted when plain YAML would read it as something else (null, a number, a flag).
    internal static YamlScalarNode Quoted(string text)
    {
        var plainIsSafe = text.Length > 0
            && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '/')
            && !text.StartsWith('-')
            && text is not ("null" or "Null" or "NULL" or "~" or "true" or "false");
        return new YamlScalarNode(text) { Style = plainIsSafe ? YamlDotNet.Core.ScalarStyle.Plain : YamlDotNet.Core.ScalarStyle.DoubleQuoted };
    }
}
