using System.Net;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.State;

/// <summary>
/// Reads a state file into <see cref="DesiredState"/>, mapping the YAML tree by hand (no reflection, so
/// native AOT works) and keeping every field's line:column. Reports all errors it finds, not just the first.
/// Checks shape and syntax only; <c>StateValidator</c> checks the rules between values.
/// </summary>
public static class StateLoader
{
    internal static readonly string[] RootKeys = ["apiVersion", "kind", "host", "gates"];
    internal static readonly string[] HostKeys = ["backend", "reconcileInterval", "metricsPath", "guard", "stateDirectory"];
    internal static readonly string[] GateKeys =
        ["name", "interface", "vni", "underlay", "local", "port", "sourcePorts", "address", "deviceSubnet", "mtu", "learning", "endpoints", "peers", "routes", "state", "soracom", "adopt", "adoptMayRecreate", "ha", "routing", "gateway", "probe", "health"];
    internal static readonly string[] PeerKeys = ["outer", "inner", "name"];
    internal static readonly string[] RouteKeys = ["to", "via"];
    internal static readonly string[] SoracomKeys = ["vpgId", "coverage", "credentials", "apiUrl", "timeout", "refreshInterval", "register"];
    internal static readonly string[] CredentialKeys = ["file", "env"];

    private const string SecretRefused =
        "credentials are never written in the state file; put them in a file only root can read (credentials: {file: /etc/gatectl/soracom.json}, mode 0600) "
        + "or in the environment (credentials: {env: true} with SORACOM_AUTH_KEY_ID and SORACOM_AUTH_KEY)";

    private static readonly Dictionary<string, string> SecretKeys = new(StringComparer.Ordinal)
    {
        ["authKey"] = SecretRefused,
        ["authKeyId"] = SecretRefused,
        ["apiKey"] = SecretRefused,
        ["token"] = SecretRefused,
        ["password"] = SecretRefused,
    };

    private static readonly Dictionary<string, SoracomCoverage> Coverages = new(StringComparer.Ordinal)
    {
        ["jp"] = SoracomCoverage.Jp,
        ["global"] = SoracomCoverage.Global,
    };

    private static readonly Dictionary<string, BackendKind> Backends = new(StringComparer.Ordinal)
    {
        ["auto"] = BackendKind.Auto,
        ["netlink"] = BackendKind.Netlink,
        ["iproute2"] = BackendKind.Iproute2,
        ["networkmanager"] = BackendKind.NetworkManager,
    };

    private static readonly Dictionary<string, GatePresence> Presences = new(StringComparer.Ordinal)
    {
        ["present"] = GatePresence.Present,
        ["absent"] = GatePresence.Absent,
    };

    /// <summary>The default of <c>learning</c>: on, as the vendor's setup leaves the kernel default.</summary>
    public const bool DefaultLearning = true;

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file is missing or unreadable.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static StateLoadResult LoadFile(string path)
    {
        var text = ReadText(path);
        return text.Refusal is { } refusal
            ? new StateLoadResult(null, new StateSourceMap(path), [refusal])
            : Load(text.Content!, path);
    }

    /// <summary>
    /// Reads a state file's text through one open handle (so a file replaced meanwhile is read whole, old or new),
    /// refusing it before parsing when it is too large or may be written by someone gatectl should not trust.
    /// </summary>
    /// <exception cref="IOException">The file is missing or unreadable.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static StateFileText ReadText(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (StateFileTrust.Problem(stream.SafeFileHandle, path) is { } problem)
        {
            return new StateFileText(null, new StateError(path, 0, 0, string.Empty, problem));
        }

        if (stream.Length > StateLimits.MaxFileBytes)
        {
            return new StateFileText(null, TooLarge(path, stream.Length));
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        return new StateFileText(reader.ReadToEnd(), null);
    }

    /// <summary>Reads state from YAML text; <paramref name="file"/> names it in errors.</summary>
    public static StateLoadResult Load(string yaml, string file)
    {
        if (yaml.Length > StateLimits.MaxFileBytes)
        {
            return new StateLoadResult(null, new StateSourceMap(file), [TooLarge(file, yaml.Length)]);
        }

        var context = new LoadContext(file);
        var root = Parse(yaml, context);
        var state = root is null ? null : ReadRoot(root, context);
        var errors = context.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();
        return new StateLoadResult(state, context.Map, errors);
    }

    private static StateError TooLarge(string file, long length) =>
        new(file, 0, 0, string.Empty,
            $"the file has {length} bytes; a state file may have at most {StateLimits.MaxFileBytes} bytes (1 MiB): is this the right file?");

    // Syntax and shape (anchors, duplicate keys) first; the tree is built only from a clean stream.
    private static YamlNode? Parse(string yaml, LoadContext context)
    {
        var parser = new MarkedParser(yaml);
        try
        {
            if (!YamlShapeCheck.Run(yaml, context.Map, context.Errors))
            {
                return null;
            }

            var stream = new YamlStream();
            stream.Load(parser);
            if (stream.Documents.Count == 0 || YamlFields.IsNull(stream.Documents[0].RootNode))
            {
                context.Errors.Add(new StateError(context.Map.File, 1, 1, string.Empty,
                    $"the file is empty; expected a mapping with apiVersion: {StateSchema.ApiVersion}, kind: {StateSchema.Kind} and gates"));
                return null;
            }

            return stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            // The parser stops at the first syntax error; its mark is where the problem shows.
            context.Errors.Add(new StateError(context.Map.File, (int)e.Start.Line, (int)e.Start.Column, string.Empty,
                $"YAML syntax error: {SyntaxMessage(e)}; fix the YAML at this position"));
            return null;
        }
        catch (Exception e) when (MarkedParser.IsUnlocatedFailure(e))
        {
            context.Errors.Add(parser.Failure(context.Map.File));
            return null;
        }
    }

    private static string SyntaxMessage(YamlException e)
    {
        // YamlDotNet prefixes "(Lin: x, Col: y, Chr: z) - (…): "; the location is printed separately.
        var message = e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return (cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message).TrimEnd('.');
    }

    private static DesiredState? ReadRoot(YamlNode node, LoadContext context)
    {
        var root = YamlFields.Open(node, string.Empty, "a state file", RootKeys, context);
        if (root is null)
        {
            return null;
        }

        var apiVersion = root.RequiredText("apiVersion", $"expected {StateSchema.ApiVersion}");
        if (apiVersion is not null && apiVersion != StateSchema.ApiVersion)
        {
            context.Error("apiVersion", root.Node("apiVersion")!, $"{StateText.Quote(apiVersion)} is not supported; expected {StateSchema.ApiVersion}");
        }

        var kind = root.RequiredText("kind", $"expected {StateSchema.Kind}");
        if (kind is not null && kind != StateSchema.Kind)
        {
            context.Error("kind", root.Node("kind")!, $"{StateText.Quote(kind)} is not a kind this build reads; expected {StateSchema.Kind}");
        }

        var host = root.Node("host") is { } hostNode && !YamlFields.IsNull(hostNode) ? ReadHost(hostNode, context) : HostSettings.Default;
        if (root.Node("gates") is null && !context.Map.IsBroken("gates"))
        {
            context.Errors.Add(context.Map.ErrorAt("gates", "'gates' is missing; expected a list of gates (an empty list [] manages none)"));
        }

        var gates = root.List("gates", "expected a list of gates, each a mapping starting with '- name: ...'")
            .Select(item => ReadGate(item.Node, item.Path, context))
            .ToList();
        if (gates.Any(g => g is null))
        {
            return null;
        }

        return new DesiredState(StateSchema.ApiVersion, StateSchema.Kind, host, gates.Select(g => g!).ToEquatableList());
    }

    private static HostSettings ReadHost(YamlNode node, LoadContext context)
    {
        var fields = YamlFields.Open(node, "host", "the host settings", HostKeys, context);
        if (fields is null)
        {
            return HostSettings.Default;
        }

        var defaults = HostSettings.Default;
        var stateDirectory = fields.OptionalText("stateDirectory", "expected an absolute directory path such as /var/lib/gatectl") ?? defaults.StateDirectory;
        return new HostSettings(
            fields.Optional("backend", "expected auto, netlink, iproute2 or networkmanager", Parsers.Word(Backends, "backend")) ?? defaults.Backend,
            fields.Optional("reconcileInterval", "expected a whole number with a unit s, m or h, such as 30s, 5m or 1h", Parsers.Duration) ?? defaults.ReconcileInterval,
            fields.OptionalText("metricsPath", "expected an absolute file path") ?? defaults.MetricsPath,
            fields.Optional("guard", "expected true or false", Parsers.Boolean) ?? defaults.Guard)
        {
            StateDirectory = stateDirectory,
        };
    }

    private static GateSpec? ReadGate(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, "a gate", GateKeys, context);
        if (fields is null)
        {
            return null;
        }

        const string Ipv4Expected = "expected a dotted-quad IPv4 address such as 192.0.2.10";
        var name = fields.RequiredText("name", "expected a name for the gate, such as soracom");
        var interfaceName = fields.RequiredText("interface", "expected the VXLAN device's name, such as vxlan0");
        var vni = Narrow<uint>(fields, "vni", 0, uint.MaxValue, StateLimits.VniExpected, context) ?? GateSpec.DefaultVni;
        var underlay = fields.RequiredText("underlay", "expected the device that carries the tunnel, such as eth0");
        var local = fields.Required("local", "expected this peer's outer IPv4 address, such as 192.0.2.10", Parsers.Ipv4)?.Value;
        var port = Narrow<ushort>(fields, "port", 0, ushort.MaxValue, StateLimits.PortExpected, context) ?? GateSpec.DefaultPort;
        var sourcePorts = fields.Optional("sourcePorts", "expected 'low-high' with ports 1..65535, such as 4789-4789, or 'any'", Parsers.PortRangeText) ?? PortRange.Default;
        var address = fields.Required("address", "expected this peer's inner address with the device subnet's prefix, written a.b.c.d/n", Parsers.Ipv4WithPrefix);
        var deviceSubnet = fields.Optional("deviceSubnet", "expected the VPG's device subnet, written a.b.c.d/n", Parsers.Ipv4Network)?.Value;
        var mtu = Narrow<int>(fields, "mtu", int.MinValue, int.MaxValue, StateLimits.MtuExpected, context);
        var learning = fields.Optional("learning", "expected true or false", Parsers.Boolean) ?? DefaultLearning;
        var endpoints = fields.List("endpoints", "expected a list of the VPG's outer IPv4 addresses")
            .Select(item => YamlFields.Scalar(item.Node, item.Path, Ipv4Expected, Parsers.Ipv4, context)?.Value ?? IPAddress.Any)
            .ToEquatableList();
        var peers = fields.List("peers", "expected a list of peers, each a mapping with outer (and optionally inner, name)")
            .Select(item => ReadPeer(item.Node, item.Path, context))
            .ToEquatableList();
        var routes = fields.List("routes", "expected a list of routes, each a mapping with to and via")
            .Select(item => ReadRoute(item.Node, item.Path, context))
            .ToEquatableList();
        var probe = fields.List("probe", "expected a list of inner IPv4 addresses to probe through the overlay (a SIM's, the VPG's)")
            .Select(item => YamlFields.Scalar(item.Node, item.Path, Ipv4Expected, Parsers.Ipv4, context)?.Value ?? IPAddress.Any)
            .ToEquatableList();
        var state = fields.Optional("state", "expected present or absent", Parsers.Word(Presences, "gate state")) ?? GatePresence.Present;
        var adopt = fields.Optional("adopt", "expected true or false", Parsers.Boolean) ?? false;
        var adoptMayRecreate = fields.Optional("adoptMayRecreate", "expected true or false", Parsers.Boolean) ?? false;
        if (adoptMayRecreate && !adopt)
        {
            context.Error(fields.PathOf("adoptMayRecreate"), fields.Node("adoptMayRecreate")!,
                "adoptMayRecreate only applies to adoption; set adopt: true as well, or leave adoptMayRecreate out");
        }

        var soracom = fields.Node("soracom") is { } soracomNode && !YamlFields.IsNull(soracomNode)
            ? ReadSoracom(soracomNode, fields.PathOf("soracom"), context)
            : null;
        // Left out of a gate with a SORACOM source, the VNI and device subnet are the VPG's own (checked against it otherwise).
        soracom = soracom is null ? null : soracom with { VniFromVpg = fields.Node("vni") is null, DeviceSubnetFromVpg = fields.Node("deviceSubnet") is null };
        var ha = fields.Node("ha") is { } haNode && !YamlFields.IsNull(haNode)
            ? HaYaml.Read(haNode, fields.PathOf("ha"), context)
            : null;
        var routing = fields.Node("routing") is { } routingNode && !YamlFields.IsNull(routingNode)
            ? RoutingYaml.Read(routingNode, fields.PathOf("routing"), context)
            : null;
        var gateway = fields.Node("gateway") is { } gatewayNode && !YamlFields.IsNull(gatewayNode)
            ? GatewayYaml.Read(gatewayNode, fields.PathOf("gateway"), context)
            : null;
        var health = fields.Node("health") is { } healthNode && !YamlFields.IsNull(healthNode)
            ? HealthYaml.Read(healthNode, fields.PathOf("health"), context)
            : null;

        // Placeholders stand in for unreadable fields (already reported) so checks of the other fields still run.
        var inner = address ?? new InterfaceAddress(IPAddress.Any, 0);
        return new GateSpec(
            name ?? string.Empty,
            interfaceName ?? string.Empty,
            vni,
            underlay ?? string.Empty,
            local ?? IPAddress.Any,
            port,
            sourcePorts,
            inner,
            deviceSubnet ?? inner.Network,
            mtu,
            learning,
            endpoints,
            peers,
            routes,
            state)
        {
            Soracom = soracom,
            Adoption = !adopt ? GateAdoption.Off : adoptMayRecreate ? GateAdoption.InPlaceOrRecreate : GateAdoption.InPlace,
            Ha = ha,
            Routing = routing,
            Gateway = gateway,
            ProbeTargets = probe,
            Health = health,
        };
    }

    private static SoracomSource? ReadSoracom(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, "a SORACOM API source", SoracomKeys, context, SecretKeys);
        if (fields is null)
        {
            return null;
        }

        var vpgId = fields.RequiredText("vpgId", "expected the VPG's id, such as vpg-abcd1234");
        var coverage = fields.Required("coverage", "expected jp or global (the coverage whose API serves the VPG)", Parsers.Word(Coverages, "coverage"));
        var credentialsNode = fields.Node("credentials");
        SoracomCredentialsSource? credentials = null;
        if (credentialsNode is null || YamlFields.IsNull(credentialsNode))
        {
            if (!context.Map.IsBroken(fields.PathOf("credentials")))
            {
                context.Error(fields.PathOf("credentials"), credentialsNode ?? node,
                    "'credentials' is missing; expected {file: /etc/gatectl/soracom.json} (mode 0600) or {env: true}");
            }
        }
        else
        {
            credentials = ReadCredentials(credentialsNode, fields.PathOf("credentials"), context);
        }

        var apiUrl = fields.OptionalText("apiUrl", "expected an absolute http or https URL");
        var timeout = fields.Optional("timeout", "expected a whole number with a unit s or m, such as 10s", Parsers.Duration);
        var refresh = fields.Optional("refreshInterval", "expected a whole number with a unit s, m or h, such as 1m", Parsers.Duration);
        var register = fields.Optional("register", "expected true (register this host as a Gate Peer of the VPG) or false", Parsers.Boolean) ?? false;
        Uri? url = null;
        if (apiUrl is not null && !(Uri.TryCreate(apiUrl, UriKind.Absolute, out url) && url.Scheme is "http" or "https"))
        {
            context.Error(fields.PathOf("apiUrl"), fields.Node("apiUrl")!, $"{StateText.Quote(apiUrl)} is not an absolute http or https URL; expected a base URL such as https://api.soracom.io");
            url = null;
        }

        return new SoracomSource(vpgId ?? string.Empty, coverage ?? SoracomCoverage.Jp, credentials ?? new SoracomCredentialsSource(null, true))
        {
            ApiUrl = url,
            Timeout = timeout ?? SoracomSource.DefaultTimeout,
            RefreshInterval = refresh ?? SoracomSource.DefaultRefreshInterval,
            Register = register,
        };
    }

    private static SoracomCredentialsSource? ReadCredentials(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, "a credentials source", CredentialKeys, context, SecretKeys);
        if (fields is null)
        {
            return null;
        }

        var file = fields.OptionalText("file", "expected the absolute path of a JSON file with authKeyId and authKey, mode 0600");
        var env = fields.Optional("env", "expected true (read SORACOM_AUTH_KEY_ID and SORACOM_AUTH_KEY)", Parsers.Boolean) ?? false;
        return new SoracomCredentialsSource(file, env);
    }

    private static PeerSpec ReadPeer(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, "a peer", PeerKeys, context);
        if (fields is null)
        {
            return new PeerSpec(IPAddress.Any, null, null);
        }

        return new PeerSpec(
            fields.Required("outer", "expected the peer's outer IPv4 address, such as 198.51.100.20", Parsers.Ipv4)?.Value ?? IPAddress.Any,
            fields.Optional("inner", "expected the peer's inner IPv4 address, without a prefix", Parsers.Ipv4)?.Value,
            fields.OptionalText("name", "expected a label"));
    }

    private static RouteSpec ReadRoute(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, "a route", RouteKeys, context);
        if (fields is null)
        {
            return new RouteSpec(new IPNetwork(IPAddress.Any, 0), IPAddress.Any);
        }

        return new RouteSpec(
            fields.Required("to", "expected the destination network, written a.b.c.d/n", Parsers.Ipv4Network)?.Value ?? new IPNetwork(IPAddress.Any, 0),
            fields.Required("via", "expected the next hop's inner IPv4 address, inside the device subnet", Parsers.Ipv4)?.Value ?? IPAddress.Any);
    }

    // Reads an integer into the record's type; values the type cannot hold get the range message the validator uses.
    private static T? Narrow<T>(YamlFields fields, string key, long min, long max, string expected, LoadContext context)
        where T : struct, System.Numerics.INumber<T>
    {
        var value = fields.Optional(key, expected, Parsers.Integer);
        if (value is null)
        {
            return null;
        }

        if (value < min || value > max)
        {
            context.Error(fields.PathOf(key), fields.Node(key)!, StateLimits.OutOfRange(value, expected));
            return null;
        }

        return T.CreateChecked(value.Value);
    }
}
