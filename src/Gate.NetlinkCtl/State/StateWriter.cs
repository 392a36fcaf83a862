using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.State;

/// <summary>
/// Writes a <see cref="DesiredState"/> as YAML in the state-file schema, every default spelled out
/// (so <c>gatectl show</c> says what is in force), such that loading the output gives back an equal state.
/// </summary>
public static class StateWriter
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

    private static YamlMappingNode ToNode(DesiredState state) => new()
    {
        { "apiVersion", state.ApiVersion },
        { "kind", state.Kind },
        { "host", ToNode(state.Host) },
        { "gates", new YamlSequenceNode(state.Gates.Select(ToNode)) },
    };

    private static YamlMappingNode ToNode(HostSettings host)
    {
        var node = new YamlMappingNode
        {
            { "backend", host.Backend.ToString().ToLowerInvariant() },
            { "reconcileInterval", DurationText.Format(host.ReconcileInterval) },
        };
        if (host.MetricsPath is { } metricsPath)
        {
            node.Add("metricsPath", Quoted(metricsPath));
        }

        node.Add("guard", Bool(host.Guard));
        if (host.StateDirectory != HostSettings.DefaultStateDirectory)
        {
            node.Add("stateDirectory", Quoted(host.StateDirectory));
        }

        return node;
    }

    private static YamlMappingNode ToNode(GateSpec gate)
    {
        // Taken from the VPG when the source says so: written back, they would stop following the VPG.
        var node = new YamlMappingNode { { "name", Quoted(gate.Name) }, { "interface", Quoted(gate.Interface) } };
        if (gate.Soracom is not { VniFromVpg: true })
        {
            node.Add("vni", gate.Vni.ToString());
        }

        node.Add("underlay", Quoted(gate.Underlay));
        node.Add("local", gate.Local.ToString());
        node.Add("port", gate.Port.ToString());
        node.Add("sourcePorts", gate.SourcePorts.ToString());
        node.Add("address", gate.Address.ToString());
        if (gate.Soracom is not { DeviceSubnetFromVpg: true })
        {
            node.Add("deviceSubnet", gate.DeviceSubnet.ToString());
        }

        if (gate.Mtu is { } mtu)
        {
            node.Add("mtu", mtu.ToString());
        }

        node.Add("learning", Bool(gate.Learning));
        node.Add("endpoints", new YamlSequenceNode(gate.Endpoints.Select(e => new YamlScalarNode(e.ToString()))));
        if (gate.Peers.Count > 0)
        {
            node.Add("peers", new YamlSequenceNode(gate.Peers.Select(ToNode)));
        }

        if (gate.Routes.Count > 0)
        {
            node.Add("routes", new YamlSequenceNode(gate.Routes.Select(r => new YamlMappingNode { { "to", r.To.ToString() }, { "via", r.Via.ToString() } })));
        }

        if (gate.ProbeTargets.Count > 0)
        {
            node.Add("probe", new YamlSequenceNode(gate.ProbeTargets.Select(e => new YamlScalarNode(e.ToString()))));
        }

        node.Add("state", gate.State == GatePresence.Present ? "present" : "absent");
        if (gate.Adoption != GateAdoption.Off)
        {
            node.Add("adopt", "true");
        }

        if (gate.Adoption == GateAdoption.InPlaceOrRecreate)
        {
            node.Add("adoptMayRecreate", "true");
        }

        if (gate.Soracom is { } soracom)
        {
            node.Add("soracom", ToNode(soracom));
        }

        if (gate.Ha is { } ha)
        {
            node.Add("ha", HaYaml.Write(ha));
        }

        if (gate.Routing is { } routing)
        {
            node.Add("routing", RoutingYaml.Write(routing));
        }

        if (gate.Gateway is { } gateway)
        {
            node.Add("gateway", GatewayYaml.Write(gateway));
        }

        if (gate.Health is { } health)
        {
            node.Add("health", HealthYaml.Write(health));
        }

        return node;
    }

    private static YamlMappingNode ToNode(SoracomSource soracom)
    {
        var credentials = soracom.Credentials.File is { } file
            ? new YamlMappingNode { { "file", Quoted(file) } }
            : new YamlMappingNode { { "env", Bool(soracom.Credentials.Environment) } };
        var node = new YamlMappingNode
        {
            { "vpgId", Quoted(soracom.VpgId) },
            { "coverage", soracom.Coverage == SoracomCoverage.Global ? "global" : "jp" },
            { "credentials", credentials },
        };
        if (soracom.ApiUrl is { } url)
        {
            node.Add("apiUrl", Quoted(url.ToString()));
        }

        node.Add("timeout", DurationText.Format(soracom.Timeout));
        node.Add("refreshInterval", DurationText.Format(soracom.RefreshInterval));
        if (soracom.Register)
        {
            node.Add("register", "true");
        }

        return node;
    }

    private static YamlMappingNode ToNode(PeerSpec peer)
    {
        var node = new YamlMappingNode { { "outer", peer.Outer.ToString() } };
        if (peer.Inner is { } inner)
        {
            node.Add("inner", inner.ToString());
        }

        if (peer.Name is { } name)
        {
            node.Add("name", Quoted(name));
        }

        return node;
    }

    private static string Bool(bool value) => value ? "true" : "false";

    // Free text is quoted when plain YAML would read it as something else (null, a number, a flag).
    private static YamlScalarNode Quoted(string text)
    {
        var plainIsSafe = text.Length > 0
            && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '/')
            && !text.StartsWith('-')
            && text is not ("null" or "Null" or "NULL" or "~" or "true" or "false");
        return new YamlScalarNode(text) { Style = plainIsSafe ? YamlDotNet.Core.ScalarStyle.Plain : YamlDotNet.Core.ScalarStyle.DoubleQuoted };
    }
}
