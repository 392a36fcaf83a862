using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Backends.Iproute2;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>
/// A test namespace dressed as a Gate Peer host: underlay <c>u0</c> (a veth, MTU 1500, 192.0.2.10/24, up) and a
/// reconciler bound to one backend. Disposing deletes the namespace.
/// </summary>
internal sealed class GateHost : IAsyncDisposable
{
    private GateHost(TestNamespace ns, BackendKind backend)
    {
        Namespace = ns;
        Backend = backend;
        Context = new ReconcileContext(ns.Name, backend);
        Reconciler = new GateReconciler();
        Recorded = new GateReconciler(BackendSelector.Default.WithBackend(backend, context =>
        {
            Recorder = new RecordingBackend(NewBackend(backend, context.Netns));
            Recorder.BeforeStep = BeforeStep;
            return Recorder;
        }));
    }

    /// <summary>A reconciler whose backend records each step (see <see cref="Recorder"/>).</summary>
    public GateReconciler Recorded { get; }

    /// <summary>The recording backend of the last <see cref="Recorded"/> call.</summary>
    public RecordingBackend? Recorder { get; private set; }

    /// <summary>Runs before each step of <see cref="Recorded"/> calls.</summary>
    public Func<Gate.NetlinkCtl.Reconcile.Plan.PlanStep, Task>? BeforeStep { get; set; }

    /// <summary>The namespace.</summary>
    public TestNamespace Namespace { get; }

    /// <summary>The backend every call uses.</summary>
    public BackendKind Backend { get; }

    /// <summary>Namespace and backend, for the reconciler.</summary>
    public ReconcileContext Context { get; }

    /// <summary>The reconciler under test.</summary>
    public GateReconciler Reconciler { get; }

    /// <summary>Creates the namespace and its underlay.</summary>
    public static async Task<GateHost> CreateAsync(BackendKind backend)
    {
        Prerequisites.RequireCommand("bridge", "iproute2");
        var ns = await TestNamespace.CreateAsync("rc");
        try
        {
            await AddUnderlayAsync(ns, "u0", "192.0.2.10/24");
            return new GateHost(ns, backend);
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }
    }

    /// <summary>Adds an up veth underlay with an address (its peer stays down, which VXLAN does not mind).</summary>
    public static async Task AddUnderlayAsync(TestNamespace ns, string name, string address)
    {
        await ns.IpAsync("link", "add", name, "mtu", "1500", "type", "veth", "peer", "name", name + "p");
        await ns.IpAsync("address", "add", address, "dev", name);
        await ns.IpAsync("link", "set", name, "up");
    }

    /// <summary>Everything gatectl could see, observed independently of the backend under test (iproute2 JSON).</summary>
    public Task<ObservedHost> ObserveAsync(params string[] interfaces) =>
        new Iproute2Backend(Namespace.Name).ObserveAsync(
            new ObserveRequest(interfaces.ToEquatableList(), new EquatableList<string>(["u0"])));

    /// <summary>A fresh backend of the given kind for a namespace.</summary>
    public static IGateBackend NewBackend(BackendKind backend, string? netns) => backend switch
    {
        BackendKind.Netlink => new Gate.NetlinkCtl.Backends.Netlink.NetlinkBackend(netns),
        BackendKind.Iproute2 => new Iproute2Backend(netns),
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "only netlink and iproute2 run here"),
    };

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Namespace.DisposeAsync();
}
