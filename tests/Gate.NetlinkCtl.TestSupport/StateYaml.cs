using System.Text;

namespace Gate.NetlinkCtl.TestSupport;

/// <summary>
/// A state file for tests whose subject is what gatectl does with a state, not how it reads one: the CLI, the daemon,
/// the units. Each test names only what differs from a lab gate; the loader's own tests keep their literal YAML,
/// since there the text is the subject.
/// </summary>
public sealed record StateYaml
{
    /// <summary><c>host.backend</c>, when set.</summary>
    public string? Backend { get; init; }

    /// <summary><c>host.reconcileInterval</c>, when set.</summary>
    public string? ReconcileInterval { get; init; }

    /// <summary><c>host.metricsPath</c>, when set.</summary>
    public string? MetricsPath { get; init; }

    /// <summary><c>host.stateDirectory</c>, when set.</summary>
    public string? StateDirectory { get; init; }

    /// <summary><c>host.guard</c>, when set.</summary>
    public bool? Guard { get; init; }

    /// <summary>The gates, in order.</summary>
    public IReadOnlyList<GateYaml> Gates { get; init; } = [];

    /// <summary>A state with these gates and no host settings.</summary>
    public static StateYaml Of(params GateYaml[] gates) => new() { Gates = gates };

    /// <summary>The YAML text, as a person would write it.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("apiVersion: gatectl/v1\nkind: GatePeer\n");
        var host = new List<string>();
        AddIfSet(host, "backend", Backend);
        AddIfSet(host, "reconcileInterval", ReconcileInterval);
        AddIfSet(host, "metricsPath", MetricsPath);
        AddIfSet(host, "stateDirectory", StateDirectory);
        AddIfSet(host, "guard", Guard is { } guard ? (guard ? "true" : "false") : null);
        if (host.Count > 0)
        {
            text.Append("host:\n");
            host.ForEach(line => text.Append("  ").Append(line).Append('\n'));
        }

        text.Append("gates:\n");
        foreach (var gate in Gates)
        {
            gate.AppendTo(text);
        }

        return text.ToString();
    }

    internal static void AddIfSet(List<string> lines, string key, string? value)
    {
        if (value is not null)
        {
            lines.Add($"{key}: {value}");
        }
    }
}

/// <summary>One gate of a <see cref="StateYaml"/>: a lab gate (<c>lab</c> on <c>vxlab0</c> over <c>u0</c>) unless told otherwise.</summary>
public sealed record GateYaml
{
    /// <summary><c>name</c>.</summary>
    public string Name { get; init; } = "lab";

    /// <summary><c>interface</c>.</summary>
    public string Interface { get; init; } = "vxlab0";

    /// <summary><c>vni</c>, when set (the loader's default otherwise).</summary>
    public string? Vni { get; init; }

    /// <summary><c>underlay</c>.</summary>
    public string Underlay { get; init; } = "u0";

    /// <summary><c>local</c>.</summary>
    public string Local { get; init; } = "192.0.2.10";

    /// <summary><c>address</c>.</summary>
    public string Address { get; init; } = "198.18.0.10/15";

    /// <summary><c>mtu</c>, when set.</summary>
    public int? Mtu { get; init; }

    /// <summary><c>endpoints</c>; none written when empty.</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>The <c>soracom</c> block, when set.</summary>
    public SoracomYaml? Soracom { get; init; }

    /// <summary>Further keys of the gate as YAML (a <c>routing:</c> block, say), indented as at the gate's top level.</summary>
    public string? Extra { get; init; }

    internal void AppendTo(StringBuilder text)
    {
        var lines = new List<string> { $"name: {Name}", $"interface: {Interface}" };
        StateYaml.AddIfSet(lines, "vni", Vni);
        lines.Add($"underlay: {Underlay}");
        lines.Add($"local: {Local}");
        lines.Add($"address: {Address}");
        StateYaml.AddIfSet(lines, "mtu", Mtu?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Endpoints.Count > 0)
        {
            lines.Add($"endpoints: [{string.Join(", ", Endpoints)}]");
        }

        if (Soracom is not null)
        {
            lines.AddRange(Soracom.Lines());
        }

        if (Extra is not null)
        {
            lines.AddRange(Extra.TrimEnd().Split('\n'));
        }

        text.Append("  - ").Append(lines[0]).Append('\n');
        foreach (var line in lines.Skip(1))
        {
            text.Append("    ").Append(line).Append('\n');
        }
    }
}

/// <summary>A gate's <c>soracom</c> block against a test API server.</summary>
/// <param name="VpgId">The VPG's id at the server.</param>
/// <param name="ApiUrl">The server's base URL.</param>
/// <param name="CredentialsFile">The credentials file's path.</param>
public sealed record SoracomYaml(string VpgId, Uri ApiUrl, string CredentialsFile)
{
    /// <summary><c>coverage</c>.</summary>
    public string Coverage { get; init; } = "global";

    /// <summary><c>timeout</c>.</summary>
    public string Timeout { get; init; } = "1s";

    /// <summary><c>refreshInterval</c>, when set.</summary>
    public string? RefreshInterval { get; init; }

    internal IEnumerable<string> Lines()
    {
        yield return "soracom:";
        yield return $"  vpgId: {VpgId}";
        yield return $"  coverage: {Coverage}";
        yield return $"  credentials: {{file: {CredentialsFile}}}";
        yield return $"  apiUrl: {ApiUrl}";
        yield return $"  timeout: {Timeout}";
        if (RefreshInterval is not null)
        {
            yield return $"  refreshInterval: {RefreshInterval}";
        }
    }
}
