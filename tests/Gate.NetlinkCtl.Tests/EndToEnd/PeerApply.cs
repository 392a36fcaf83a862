using Gate.NetlinkCtl.Demo;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.EndToEnd;

/// <summary>Configures the emulator's Gate Peer the only way it is ever configured: gatectl's own apply.</summary>
internal static class PeerApply
{
    /// <summary>Applies <paramref name="state"/> inside the peer's namespace over the rtnetlink backend and asserts it succeeded.</summary>
    public static async Task<ApplyResult> ApplyAsync(VpgEmulator emulator, DesiredState state)
    {
        var context = new ReconcileContext(emulator.Peer.Namespace, BackendKind.Netlink)
        {
            LockDirectory = emulator.WorkDirectory,
        };
        var result = await new GateReconciler().ApplyAsync(state, context, TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, $"apply in {emulator.Peer.Namespace} failed: {result.Failure}");
        return result;
    }
}
