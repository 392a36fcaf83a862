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
internal static class StateLoader
{
    // The key lists as the tests and docs name them; StateKeys declares them.
    internal static string[] RootKeys => StateKeys.Root.Block.Names;
    internal static string[] HostKeys => StateKeys.Host.Block.Names;
    internal static string[] GateKeys => StateKeys.Gate.Block.Names;
    internal static string[] PeerKeys => StateKeys.Peer.Block.Names;
    internal static string[] RouteKeys => StateKeys.Route.Block.Names;
    internal static string[] SoracomKeys => StateKeys.Soracom.Block.Names;
    internal static string[] CredentialKeys => StateKeys.Credentials.Block.Names;

    /// <summary>The default of <c>learning</c>: on, as the vendor's setup leaves the kernel default.</summary>
    public const bool DefaultLearning = true;

    private static readonly IPNetwork NoNetwork = new(IPAddress.Any, 0);

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
        var root = YamlFields.Open(node, string.Empty, StateKeys.Root.Block, context);
        if (root is null)
        {
            return null;
        }

        var apiVersion = root.Read(StateKeys.Root.ApiVersion);
        if (apiVersion is not null && apiVersion != StateSchema.ApiVersion)
        {
            context.Error(root.PathOf(StateKeys.Root.ApiVersion), root.Node(StateKeys.Root.ApiVersion)!, $"{StateText.Quote(apiVersion)} is not supported; expected {StateSchema.ApiVersion}");
        }

        var kind = root.Read(StateKeys.Root.Kind);
        if (kind is not null && kind != StateSchema.Kind)
        {
            context.Error(root.PathOf(StateKeys.Root.Kind), root.Node(StateKeys.Root.Kind)!, $"{StateText.Quote(kind)} is not a kind this build reads; expected {StateSchema.Kind}");
        }

        var host = Block(root, StateKeys.Root.Host, context, ReadHost) ?? HostSettings.Default;
        if (root.Node(StateKeys.Root.Gates) is null && !context.Map.IsBroken(root.PathOf(StateKeys.Root.Gates)))
        {
            context.Errors.Add(context.Map.ErrorAt(root.PathOf(StateKeys.Root.Gates), "'gates' is missing; expected a list of gates (an empty list [] manages none)"));
        }

        var gates = root.Items(StateKeys.Root.Gates)
            .Select(item => ReadGate(item.Node, item.Path, context))
            .ToList();
        if (gates.Any(g => g is null))
        {
            return null;
        }

        return new DesiredState(StateSchema.ApiVersion, StateSchema.Kind, host, gates.Select(g => g!).ToEquatableList());
    }

    // A nested block: read by its parser when present and not empty, null otherwise.
    private static T? Block<T>(YamlFields fields, BlockKey key, LoadContext context, Func<YamlNode, string, LoadContext, T?> read) where T : class =>
        fields.Node(key.Name) is { } node && !YamlFields.IsNull(node) ? read(node, fields.PathOf(key.Name), context) : null;

    private static HostSettings ReadHost(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, StateKeys.Host.Block, context);
        if (fields is null)
        {
            return HostSettings.Default;
        }

        var stateDirectory = fields.Read(StateKeys.Host.StateDirectory)!;
        return new HostSettings(
            fields.Read(StateKeys.Host.Backend)!.Value,
            fields.Read(StateKeys.Host.ReconcileInterval)!.Value,
            fields.Read(StateKeys.Host.MetricsPath),
            fields.Read(StateKeys.Host.Guard)!.Value)
        {
            StateDirectory = stateDirectory,
        };
    }

    private static GateSpec? ReadGate(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, StateKeys.Gate.Block, context);
        if (fields is null)
        {
            return null;
        }

        var name = fields.Read(StateKeys.Gate.Name);
        var interfaceName = fields.Read(StateKeys.Gate.Interface);
        var vni = (uint)fields.Read(StateKeys.Gate.Vni)!.Value;
        var underlay = fields.Read(StateKeys.Gate.Underlay);
        var local = fields.Read(StateKeys.Gate.Local)?.Value;
        var port = (ushort)fields.Read(StateKeys.Gate.Port)!.Value;
        var sourcePorts = fields.Read(StateKeys.Gate.SourcePorts)!.Value;
        var address = fields.Read(StateKeys.Gate.Address);
        var deviceSubnet = fields.Read(StateKeys.Gate.DeviceSubnet)?.Value;
        var mtu = (int?)fields.Read(StateKeys.Gate.Mtu);
        var learning = fields.Read(StateKeys.Gate.Learning)!.Value;
        var endpoints = fields.Read(StateKeys.Gate.Endpoints).Select(e => e?.Value ?? IPAddress.Any).ToEquatableList();
        var peers = fields.Items(StateKeys.Gate.Peers)
            .Select(item => ReadPeer(item.Node, item.Path, context))
            .ToEquatableList();
        var routes = fields.Items(StateKeys.Gate.Routes)
            .Select(item => ReadRoute(item.Node, item.Path, context))
            .ToEquatableList();
        var probe = fields.Read(StateKeys.Gate.Probe).Select(e => e?.Value ?? IPAddress.Any).ToEquatableList();
        var state = fields.Read(StateKeys.Gate.State)!.Value;
        var adopt = fields.Read(StateKeys.Gate.Adopt)!.Value;
        var adoptMayRecreate = fields.Read(StateKeys.Gate.AdoptMayRecreate)!.Value;
        if (adoptMayRecreate && !adopt)
        {
            context.Error(fields.PathOf(StateKeys.Gate.AdoptMayRecreate), fields.Node(StateKeys.Gate.AdoptMayRecreate)!,
                "adoptMayRecreate only applies to adoption; set adopt: true as well, or leave adoptMayRecreate out");
        }

        var soracom = Block(fields, StateKeys.Gate.Soracom, context, ReadSoracom);
        // Left out of a gate with a SORACOM source, the VNI and device subnet are the VPG's own (checked against it otherwise).
        soracom = soracom is null ? null : soracom with { VniFromVpg = fields.Node(StateKeys.Gate.Vni) is null, DeviceSubnetFromVpg = fields.Node(StateKeys.Gate.DeviceSubnet) is null };
        var ha = Block(fields, StateKeys.Gate.Ha, context, HaYaml.Read);
        var routing = Block(fields, StateKeys.Gate.Routing, context, RoutingYaml.Read);
        var gateway = Block(fields, StateKeys.Gate.Gateway, context, GatewayYaml.Read);
        var health = Block(fields, StateKeys.Gate.Health, context, HealthYaml.Read);

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
        var fields = YamlFields.Open(node, path, StateKeys.Soracom.Block, context);
        if (fields is null)
        {
            return null;
        }

        var vpgId = fields.Read(StateKeys.Soracom.VpgId);
        var coverage = fields.Read(StateKeys.Soracom.Coverage);
        var credentialsNode = fields.Node(StateKeys.Soracom.Credentials);
        SoracomCredentialsSource? credentials = null;
        if (credentialsNode is null || YamlFields.IsNull(credentialsNode))
        {
            if (!context.Map.IsBroken(fields.PathOf(StateKeys.Soracom.Credentials)))
            {
                context.Error(fields.PathOf(StateKeys.Soracom.Credentials), credentialsNode ?? node,
                    "'credentials' is missing; expected {file: /etc/gatectl/soracom.json} (mode 0600) or {env: true}");
            }
        }
        else
        {
            credentials = ReadCredentials(credentialsNode, fields.PathOf(StateKeys.Soracom.Credentials), context);
        }

        var apiUrl = fields.Read(StateKeys.Soracom.ApiUrl);
        var timeout = fields.Read(StateKeys.Soracom.Timeout)!.Value;
        var refresh = fields.Read(StateKeys.Soracom.RefreshInterval)!.Value;
        var register = fields.Read(StateKeys.Soracom.Register)!.Value;
        Uri? url = null;
        if (apiUrl is not null && !(Uri.TryCreate(apiUrl, UriKind.Absolute, out url) && url.Scheme is "http" or "https"))
        {
            context.Error(fields.PathOf(StateKeys.Soracom.ApiUrl), fields.Node(StateKeys.Soracom.ApiUrl)!, $"{StateText.Quote(apiUrl)} is not an absolute http or https URL; expected a base URL such as https://api.soracom.io");
            url = null;
        }

        return new SoracomSource(vpgId ?? string.Empty, coverage ?? SoracomCoverage.Jp, credentials ?? new SoracomCredentialsSource(null, true))
        {
            ApiUrl = url,
            Timeout = timeout,
            RefreshInterval = refresh,
            Register = register,
        };
    }

    private static SoracomCredentialsSource? ReadCredentials(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, StateKeys.Credentials.Block, context);
        if (fields is null)
        {
            return null;
        }

        return new SoracomCredentialsSource(fields.Read(StateKeys.Credentials.File), fields.Read(StateKeys.Credentials.Env)!.Value);
    }

    private static PeerSpec ReadPeer(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, StateKeys.Peer.Block, context);
        if (fields is null)
        {
            return new PeerSpec(IPAddress.Any, null, null);
        }

        return new PeerSpec(
            fields.Read(StateKeys.Peer.Outer)?.Value ?? IPAddress.Any,
            fields.Read(StateKeys.Peer.Inner)?.Value,
            fields.Read(StateKeys.Peer.Name));
    }

    private static RouteSpec ReadRoute(YamlNode node, string path, LoadContext context)
    {
        var fields = YamlFields.Open(node, path, StateKeys.Route.Block, context);
        if (fields is null)
        {
            return new RouteSpec(NoNetwork, IPAddress.Any);
        }

        return new RouteSpec(
            fields.Read(StateKeys.Route.To)?.Value ?? NoNetwork,
            fields.Read(StateKeys.Route.Via)?.Value ?? IPAddress.Any);
    }
}
