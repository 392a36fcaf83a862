using System.Net;
using System.Text.Json;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Netlink.Tests.Kernel;

/// <summary>
/// A fresh network namespace with an underlay veth pair (<c>und0</c> 192.0.2.1/24 and its peer <c>und1</c>, both up) and a client opened inside it;
/// iproute2 in the same namespace is the independent oracle. Always disposed, even when a test fails.
/// </summary>
internal sealed class NetlinkTestBed : IAsyncDisposable
{
    public static readonly IPAddress UnderlayAddress = IPAddress.Parse("192.0.2.1");

    private NetlinkTestBed(TestNamespace ns, RtnlClient client, int underlayIndex)
    {
        Namespace = ns;
        Client = client;
        UnderlayIndex = underlayIndex;
    }

    public TestNamespace Namespace { get; }

    public RtnlClient Client { get; }

    public int UnderlayIndex { get; }

    public static async Task<NetlinkTestBed> CreateAsync()
    {
        var ns = await TestNamespace.CreateAsync("nl");
        try
        {
            Prerequisites.RequireCommand("bridge", "iproute2");
            await ns.IpAsync("link", "add", "und0", "type", "veth", "peer", "name", "und1");
            await ns.IpAsync("addr", "add", "192.0.2.1/24", "dev", "und0");
            await ns.IpAsync("link", "set", "und0", "up");
            await ns.IpAsync("link", "set", "und1", "up");
            var client = RtnlClient.Open(ns.Name);
            var underlay = await WaitUntilOperationallyUpAsync(client, "und0");
            await WaitUntilOperationallyUpAsync(client, "und1");
            return new NetlinkTestBed(ns, client, underlay.Index);
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }
    }

    /// <summary>A VXLAN device as gatectl makes them, on und0.</summary>
    public VxlanLinkSpec Vxlan(string name = "gct-vx0", uint vni = 10) => new(name, vni)
    {
        Local = UnderlayAddress,
        UnderlayIndex = UnderlayIndex,
        SourcePorts = new VxlanPortRange(4789, 4789),
        Learning = false,
        Alias = "gatectl:test",
        Up = true,
    };

    /// <summary>Runs <c>ip -n NS -j args...</c> and parses the JSON.</summary>
    public async Task<JsonElement> IpJsonAsync(params string[] args) =>
        Parse(await Namespace.IpAsync(["-j", .. args]));

    /// <summary>Runs <c>bridge -n NS -j args...</c> and parses the JSON.</summary>
    public async Task<JsonElement> BridgeJsonAsync(params string[] args) =>
        Parse(await Namespace.BridgeAsync(["-j", .. args]));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Namespace.DisposeAsync();
    }

    // The kernel's linkwatch sets a veth's operstate shortly after "up"; tests compare whole links, so wait for it.
    private static async Task<Link> WaitUntilOperationallyUpAsync(RtnlClient client, string name)
    {
        Link Read() => client.GetLink(name) ?? throw new InvalidOperationException($"{name} missing");
        return await Poll.ForAsync(Read, link => link.OperState == LinkOperState.Up, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(20))
            ?? Read();
    }

    private static JsonElement Parse(string json) =>
        string.IsNullOrWhiteSpace(json) ? JsonDocument.Parse("[]").RootElement : JsonDocument.Parse(json).RootElement.Clone();
}
