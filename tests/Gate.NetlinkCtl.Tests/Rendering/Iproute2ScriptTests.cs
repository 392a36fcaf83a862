using System.Net;
using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Backends.Iproute2;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Rendering;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Reconcile;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Rendering;

/// <summary>
/// The rendered iproute2 script, run by bash in a fresh namespace, leaves exactly what gatectl's own apply leaves
/// in another (observed by gatectl's observer), and running it again changes nothing.
/// </summary>
public sealed class Iproute2ScriptTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static DesiredState TwoGates(GatePresence labState = GatePresence.Present) => new(
        StateSchema.ApiVersion,
        StateSchema.Kind,
        HostSettings.Default,
        new EquatableList<GateSpec>(
        [
            SampleStates.Gate("main", "gate0", 10, "u0", "192.0.2.10", "198.18.0.10/15", mtu: null, learning: false,
                endpoints: ["192.0.2.1", "192.0.2.2"],
                peers: [new PeerSpec(IPAddress.Parse("198.51.100.7"), IPAddress.Parse("198.18.0.7"), "branch")],
                routes: [new RouteSpec(IPNetwork.Parse("198.19.128.0/24"), IPAddress.Parse("198.18.0.7"))]),
            SampleStates.Gate("lab", "gate1", 20, "u0", "192.0.2.10", "198.18.100.2/24", mtu: 1400, learning: true,
                endpoints: ["203.0.113.20"], peers: [], routes: []) with { State = labState },
        ]));

    [Fact]
    public async Task The_script_leaves_what_gatectls_apply_leaves_and_a_second_run_changes_nothing()
    {
        await using var scripted = await HostAsync();
        await using var applied = await HostAsync();
        var desired = TwoGates();

        await RunScriptAsync(scripted, desired);
        var afterFirst = await ObserveAsync(scripted, desired);
        await RunScriptAsync(scripted, desired);
        var afterSecond = await ObserveAsync(scripted, desired);
        await ApplyAsync(applied, desired);

        Assert.Equal((await ObserveAsync(applied, desired)).WithoutIndexes(), afterFirst.WithoutIndexes());
        Assert.Equal(afterFirst, afterSecond); // indexes included: no device was re-created
        Assert.Equal(2, afterFirst.Gates.Count(g => g.IsGatectls));
    }

    [Fact]
    public async Task The_script_repairs_drift_and_leaves_foreign_objects_alone_as_apply_does()
    {
        await using var scripted = await HostAsync();
        await using var applied = await HostAsync();
        var desired = TwoGates();
        await RunScriptAsync(scripted, desired);
        await ApplyAsync(applied, desired);

        foreach (var ns in new[] { scripted.Namespace, applied.Namespace })
        {
            await ns.IpAsync("link", "set", "gate0", "mtu", "1300");
            await ns.BridgeAsync("fdb", "del", "00:00:00:00:00:00", "dev", "gate0", "dst", "192.0.2.2");
            await ns.IpAsync("address", "add", "198.18.9.9/15", "dev", "gate0", "metric", "147");    // gatectl's mark, not wanted
            await ns.IpAsync("address", "add", "198.18.8.8/32", "dev", "gate0");                     // foreign: kept
            await ns.IpAsync("route", "add", "198.19.200.0/24", "via", "198.18.0.7", "dev", "gate0", "proto", "147");
            await ns.BridgeAsync("fdb", "append", "00:00:00:00:00:00", "dev", "gate0", "dst", "203.0.113.99");
        }

        await RunScriptAsync(scripted, desired);
        await ApplyAsync(applied, desired);

        var repaired = await ObserveAsync(scripted, desired);
        Assert.Equal((await ObserveAsync(applied, desired)).WithoutIndexes(), repaired.WithoutIndexes());
        var gate0 = repaired.Find("gate0")!;
        Assert.Equal(1450, gate0.Device.Mtu);
        Assert.Contains(gate0.Addresses, a => a.Address.ToString() == "198.18.8.8/32");
        Assert.DoesNotContain(gate0.Addresses, a => a.Address.ToString() == "198.18.9.9/15");
    }

    [Fact]
    public async Task A_device_gatectl_did_not_make_stops_the_script_before_any_change()
    {
        await using var scripted = await HostAsync();
        await scripted.Namespace.IpAsync("link", "add", "gate1", "type", "vxlan", "id", "99", "local", "192.0.2.10", "dev", "u0", "dstport", "4789");

        var result = await RunScriptAsync(scripted, TwoGates(), expectSuccess: false);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("gate1 exists but gatectl did not make it", result.StandardError, StringComparison.Ordinal);
        var observed = await ObserveAsync(scripted, TwoGates());
        Assert.Null(observed.Find("gate0"));
        Assert.Equal(99u, observed.Find("gate1")!.Device.Vxlan!.Vni);
    }

    [Fact]
    public async Task An_absent_gate_loses_its_device_only_when_gatectl_made_it()
    {
        await using var scripted = await HostAsync();
        await RunScriptAsync(scripted, TwoGates());

        await RunScriptAsync(scripted, TwoGates(labState: GatePresence.Absent));

        var observed = await ObserveAsync(scripted, TwoGates());
        Assert.NotNull(observed.Find("gate0"));
        Assert.Null(observed.Find("gate1"));
    }

    [Fact]
    public async Task A_routing_gate_turns_forwarding_on_for_the_gate_and_its_underlay_and_nothing_else()
    {
        await using var scripted = await HostAsync();
        var two = TwoGates();
        var routed = two with
        {
            Gates = two.Gates.Select((g, i) => i == 0 ? g with { Routing = new RoutingSpec(true, true, new EquatableList<IPNetwork>([IPNetwork.Parse("203.0.113.0/24")])) } : g).ToEquatableList(),
        };

        await RunScriptAsync(scripted, routed);

        var gate = routed.Gates[0];
        Assert.Equal("1", (await scripted.Namespace.ExecAsync("sysctl", "-n", $"net.ipv4.conf.{gate.Interface}.forwarding")).Trim());
        Assert.Equal("1", (await scripted.Namespace.ExecAsync("sysctl", "-n", $"net.ipv4.conf.{gate.Underlay}.forwarding")).Trim());
        Assert.Equal("0", (await scripted.Namespace.ExecAsync("sysctl", "-n", $"net.ipv4.conf.{routed.Gates[1].Interface}.forwarding")).Trim());
        Assert.Equal("0", (await scripted.Namespace.ExecAsync("sysctl", "-n", "net.ipv4.ip_forward")).Trim());
    }

    private static async Task<GateHost> HostAsync()
    {
        Prerequisites.RequireCommand("bash", "bash");
        return await GateHost.CreateAsync(BackendKind.Iproute2);
    }

    private static async Task<BufferedCommandResult> RunScriptAsync(GateHost host, DesiredState desired, bool expectSuccess = true)
    {
        var script = Assert.Single(StateRenderer.Default.Render(desired, RenderFormat.Iproute2, "state.yaml"));
        var path = Path.Combine(Path.GetTempPath(), $"gatectl-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(path, script.Content, Token);
        try
        {
            var result = await Cli.Wrap("ip")
                .WithArguments(["netns", "exec", host.Namespace.Name, "bash", path])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(Token);
            if (expectSuccess)
            {
                Assert.True(result.ExitCode == 0, $"the script failed ({result.ExitCode}): {result.StandardError}");
            }

            return result;
        }
        finally
        {
            File.Delete(path);
        }
    }

    // gatectl's own apply is the oracle: the rtnetlink backend once this build has it, the iproute2 backend until then.
    private static async Task ApplyAsync(GateHost host, DesiredState desired)
    {
        var backend = await OracleBackendAsync(host.Context);
        var result = await new GateReconciler().ApplyAsync(desired, host.Context with { Backend = backend }, Token);
        Assert.Null(result.Failure);
    }

    private static async Task<BackendKind> OracleBackendAsync(ReconcileContext context)
    {
        try
        {
            await using var netlink = await BackendSelector.Default.CreateAsync(BackendKind.Netlink, context, Token);
            return BackendKind.Netlink;
        }
        catch (BackendException)
        {
            return BackendKind.Iproute2;
        }
    }

    private static Task<ObservedHost> ObserveAsync(GateHost host, DesiredState desired) =>
        new Iproute2Backend(host.Namespace.Name).ObserveAsync(ObserveRequest.For(desired), Token);
}
