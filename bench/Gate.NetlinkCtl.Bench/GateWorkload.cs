using System.Globalization;
using System.Net;
using System.Text;

namespace Gate.NetlinkCtl.Bench;

/// <summary>
/// One gate with N flood endpoints, written three ways for the same kernel result: a gatectl state file, the
/// vendor's setup script (one <c>bridge fdb append</c> process per endpoint) and the same script with one
/// <c>bridge -batch</c>. Device gate0 on underlay u0 (192.0.2.10/24), VNI 10, inner 198.19.255.10/24.
/// </summary>
public sealed class GateWorkload
{
    /// <summary>The gate's device.</summary>
    public const string Device = "gate0";

    private readonly BenchNamespace _ns;

    /// <summary>Writes the files for <paramref name="endpoints"/> endpoints into <paramref name="directory"/>.</summary>
    public GateWorkload(BenchNamespace ns, string directory, int endpoints)
    {
        _ns = ns;
        Endpoints = endpoints;
        StatePath = Path.Combine(directory, $"state-{endpoints}.yaml");
        GuardedStatePath = Path.Combine(directory, $"state-guarded-{endpoints}.yaml");
        VendorScriptPath = Path.Combine(directory, $"vendor-loop-{endpoints}.sh");
        BatchScriptPath = Path.Combine(directory, $"bridge-batch-{endpoints}.sh");
        BatchPath = Path.Combine(directory, $"fdb-{endpoints}.batch");
        var list = Path.Combine(directory, $"endpoints-{endpoints}.txt");

        // 10,000 outer addresses do not fit TEST-NET-1..3 (762 addresses): the bulk endpoints come from the
        // benchmarking range 198.18.0.0/16. Nothing is sent to them (no route leaves the namespace).
        var destinations = Enumerable.Range(0, endpoints)
            .Select(i => new IPAddress([198, 18, (byte)(i / 250), (byte)(1 + (i % 250))]).ToString())
            .ToList();
        File.WriteAllLines(list, destinations);
        File.WriteAllLines(BatchPath, destinations.Select(d => $"fdb append 00:00:00:00:00:00 dev {Device} dst {d}"));
        File.WriteAllText(StatePath, StateYaml(destinations, guard: false));
        File.WriteAllText(GuardedStatePath, StateYaml(destinations, guard: true));
        var device = $"""
            ip -n {ns.Name} link add {Device} type vxlan id 10 local 192.0.2.10 dstport 4789 srcport 4789 4789 dev u0
            ip -n {ns.Name} address add 198.19.255.10/24 dev {Device}
            ip -n {ns.Name} link set {Device} up

            """;
        File.WriteAllText(VendorScriptPath, $"""
            # The vendor's setup script (after its 'ip link del'): one process per command and per endpoint.
            set -e
            {device}while read -r dst; do
              bridge -n {ns.Name} fdb append 00:00:00:00:00:00 dev {Device} dst "$dst"
            done < {list}

            """);
        File.WriteAllText(BatchScriptPath, $"""
            # The same device, then every endpoint through one bridge process.
            set -e
            {device}bridge -n {ns.Name} -batch {BatchPath}

            """);
    }

    /// <summary>N.</summary>
    public int Endpoints { get; }

    /// <summary>The gatectl state file (guard off).</summary>
    public string StatePath { get; }

    /// <summary>The same gate with <c>guard: true</c> (gatectl's nftables table, one set element per endpoint).</summary>
    public string GuardedStatePath { get; }

    /// <summary>The vendor-style script.</summary>
    public string VendorScriptPath { get; }

    /// <summary>The script that adds the endpoints with one <c>bridge -batch</c>.</summary>
    public string BatchScriptPath { get; }

    /// <summary>The batch file alone: <c>fdb append</c> of every endpoint.</summary>
    public string BatchPath { get; }

    /// <summary>Deletes the gate's device and gatectl's guard table when they exist (untimed preparation).</summary>
    public async Task DeleteDeviceAsync()
    {
        if ((await _ns.IpAsync("-br", "link", "show")).Split('\n').Any(l => l.StartsWith(Device + " ", StringComparison.Ordinal)))
        {
            await _ns.IpAsync("link", "del", Device);
        }

        await Processes.RunAsync("ip", ["netns", "exec", _ns.Name, "nft", "delete", "table", "inet", "gatectl_guard"], 0, 1);
    }

    /// <summary>Makes the device as the batch script does, without its endpoints (untimed, for the bridge process alone).</summary>
    public async Task AddBareDeviceAsync()
    {
        await DeleteDeviceAsync();
        await _ns.IpAsync("link", "add", Device, "type", "vxlan", "id", "10", "local", "192.0.2.10", "dstport", "4789", "srcport", "4789", "4789", "dev", "u0");
        await _ns.IpAsync("address", "add", "198.19.255.10/24", "dev", Device);
        await _ns.IpAsync("link", "set", Device, "up");
    }

    /// <summary>How many all-zero entries the device has (a check that each way did the whole job).</summary>
    public async Task<int> CountFloodEntriesAsync() =>
        (await _ns.BridgeAsync("fdb", "show", "dev", Device)).Split('\n').Count(l => l.StartsWith("00:00:00:00:00:00 dst", StringComparison.Ordinal));

    private static string StateYaml(IEnumerable<string> destinations, bool guard)
    {
        // backend netlink: the bench host runs no NetworkManager, so auto would choose it too, after a D-Bus probe.
        var yaml = new StringBuilder($$"""
            apiVersion: gatectl/v1
            kind: GatePeer
            host:
              backend: netlink
              guard: {{(guard ? "true" : "false")}}
            gates:
              - name: bench
                interface: gate0
                vni: 10
                underlay: u0
                local: 192.0.2.10
                address: 198.19.255.10/24
                endpoints:

            """);
        foreach (var d in destinations)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"      - {d}\n");
        }

        return yaml.ToString();
    }
}
