using System.Net;
using Gate.NetlinkCtl.Demo;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.EndToEnd;

/// <summary>
/// Two Gate Peers on the emulated VPG's overlay, each with a gate gatectl applied and its own keepalived: A (priority
/// 150) and B (priority 100) share the virtual address 198.18.0.250; the emulator's SIMs are the devices.
/// </summary>
internal sealed class HaLab : IAsyncDisposable
{
    /// <summary>The virtual address devices talk to.</summary>
    public static readonly InterfaceAddress Virtual = new(IPAddress.Parse("198.18.0.250"), 16);

    private static readonly InterfaceAddress BOuter = new(IPAddress.Parse("203.0.113.10"), 24);
    private static readonly IPAddress BGateway = IPAddress.Parse("203.0.113.1");
    private static readonly InterfaceAddress BInner = new(IPAddress.Parse("198.18.0.11"), 16);
    private const byte RouterId = 51;

    private HaLab(VpgEmulator emulator, PeerHost b)
    {
        Emulator = emulator;
        B = b;
    }

    /// <summary>The emulated VPG with its SIMs.</summary>
    public VpgEmulator Emulator { get; }

    /// <summary>Peer A, the preferred master.</summary>
    public PeerHost A => Emulator.Peer;

    /// <summary>Peer B, the backup.</summary>
    public PeerHost B { get; }

    /// <summary>A's desired state.</summary>
    public DesiredState StateA { get; private set; } = null!;

    /// <summary>B's desired state.</summary>
    public DesiredState StateB { get; private set; } = null!;

    /// <summary>A's keepalived.</summary>
    public KeepalivedProcess KeepalivedA { get; private set; } = null!;

    /// <summary>B's keepalived.</summary>
    public KeepalivedProcess KeepalivedB { get; private set; } = null!;

    /// <summary>The SIM that pings the virtual address.</summary>
    public SimDevice Sim => Emulator.Sims[0];

    /// <summary>Builds the emulator and peer B, applies both gates with gatectl, starts both keepalived and waits for A to hold the address.</summary>
    public static async Task<HaLab> StartAsync()
    {
        Prerequisites.RequireRoot();
        Prerequisites.RequireCommand("ip", "iproute2");
        Prerequisites.RequireCommand("ping", "iputils-ping");
        Prerequisites.RequireCommand("keepalived", "keepalived");
        var emulator = await VpgEmulator.StartAsync(new EmulatorOptions("ha", SimCount: 1), TestContext.Current.CancellationToken);
        HaLab? lab = null;
        try
        {
            var b = await emulator.AddPeerAsync("peerb", BOuter, BGateway, BInner, TestContext.Current.CancellationToken);
            lab = new HaLab(emulator, b);
            var gateA = emulator.PeerGate() with
            {
                Peers = new EquatableList<PeerSpec>([new PeerSpec(BOuter.Address, BInner.Address, "peer-b")]),
                Ha = new HaSpec(Virtual, RouterId, 150, new EquatableList<IPAddress>([BInner.Address])),
            };
            var gateB = gateA with
            {
                Local = BOuter.Address,
                Address = BInner,
                Peers = new EquatableList<PeerSpec>([new PeerSpec(emulator.Peer.Outer.Address, emulator.Peer.Inner.Address, "peer-a")]),
                Ha = new HaSpec(Virtual, RouterId, 100, new EquatableList<IPAddress>([emulator.Peer.Inner.Address])),
            };
            lab.StateA = emulator.PeerState() with { Gates = new EquatableList<GateSpec>([gateA]) };
            lab.StateB = emulator.PeerState() with { Gates = new EquatableList<GateSpec>([gateB]) };
            await lab.ApplyAsync(lab.A, lab.StateA);
            await lab.ApplyAsync(lab.B, lab.StateB);
            lab.KeepalivedA = await KeepalivedProcess.StartAsync(lab.A.Namespace, lab.StateA, Path.Combine(emulator.WorkDirectory, "keepalived-a"));
            lab.KeepalivedB = await KeepalivedProcess.StartAsync(lab.B.Namespace, lab.StateB, Path.Combine(emulator.WorkDirectory, "keepalived-b"));
            await lab.WaitForHolderAsync(lab.A);
            return lab;
        }
        catch
        {
            if (lab is not null)
            {
                await lab.DisposeAsync();
            }
            else
            {
                await emulator.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Applies <paramref name="state"/> on <paramref name="peer"/> with gatectl's rtnetlink backend and asserts it succeeded.</summary>
    public async Task<ApplyResult> ApplyAsync(PeerHost peer, DesiredState state)
    {
        var result = await new GateReconciler().ApplyAsync(state, Context(peer), TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, $"apply in {peer.Namespace} failed: {result.Failure}");
        return result;
    }

    /// <summary>gatectl's context for <paramref name="peer"/>'s namespace.</summary>
    public ReconcileContext Context(PeerHost peer) => new(peer.Namespace, BackendKind.Netlink)
    {
        LockDirectory = Path.Combine(Emulator.WorkDirectory, peer == A ? "lock-a" : "lock-b"),
    };

    /// <summary>True when <paramref name="peer"/>'s gate carries the virtual address.</summary>
    public static async Task<bool> HoldsAsync(PeerHost peer)
    {
        var text = await TestNamespace.RunAsync("ip", ["-n", peer.Namespace, "-o", "-4", "addr", "show"]);
        return text.Contains($" {Virtual} ", StringComparison.Ordinal);
    }

    /// <summary>Waits (at most 12 s: keepalived's master-down time is about 3.6 s) until <paramref name="peer"/> alone holds the address.</summary>
    public async Task WaitForHolderAsync(PeerHost peer)
    {
        var other = peer == A ? B : A;
        var held = await Poll.UntilAsync(async () => await HoldsAsync(peer) && !await HoldsAsync(other), TimeSpan.FromSeconds(12));
        Assert.True(held, $"{(peer == A ? "A" : "B")} does not hold {Virtual} alone; keepalived A:\n{KeepalivedA?.Log}\nkeepalived B:\n{KeepalivedB?.Log}");
    }

    public async ValueTask DisposeAsync()
    {
        if (KeepalivedA is not null)
        {
            await KeepalivedA.DisposeAsync();
        }

        if (KeepalivedB is not null)
        {
            await KeepalivedB.DisposeAsync();
        }

        await Emulator.DisposeAsync();
    }
}
