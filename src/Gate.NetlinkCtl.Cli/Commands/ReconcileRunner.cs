using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Guard;
using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Apply;
using Gate.NetlinkCtl.Routing;
using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Cli.Commands;

/// <summary>What the reconciling verbs share: load and validate the state file, build the reconciler, turn failures into exit codes.</summary>
internal static class ReconcileRunner
{
    /// <summary>Creates the reconciler the CLI uses; host features (extensions) are registered here.</summary>
    public static GateReconciler CreateReconciler() => new(BackendSelector.Default, [new GuardExtension(), new RoutingExtension()]);

    /// <summary>The daemon's reconciler: as <see cref="CreateReconciler"/>, but its SORACOM API sessions live in memory only (revoked when it stops).</summary>
    public static GateReconciler CreateDaemonReconciler() => new(
        BackendSelector.Default, [new GuardExtension(), new RoutingExtension()], new EndpointResolver(new SoracomGatePeerSource(SessionStore.Memory)));

    /// <summary>Loads <paramref name="path"/>, runs <paramref name="action"/> on the valid state, and maps failures to exit codes.</summary>
    public static async Task<int> WithStateAsync(string path, TextWriter stderr, Func<DesiredState, Task<int>> action)
    {
        StateLoadResult loaded;
        try
        {
            loaded = StateFile.Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"gatectl: cannot read state file '{path}': {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message)}");
            return ExitCodes.Error;
        }

        if (loaded.State is null || !loaded.IsValid)
        {
            foreach (var error in loaded.Errors)
            {
                stderr.WriteLine(error);
            }

            stderr.WriteLine($"{path}: {loaded.Errors.Count} error{(loaded.Errors.Count == 1 ? "" : "s")}; nothing was changed");
            return ExitCodes.InvalidState;
        }

        return await GuardAsync(stderr, () => action(loaded.State)).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks that this process may change the network before <paramref name="verb"/> starts; prints why not and
    /// returns false when it lacks CAP_NET_ADMIN.
    /// </summary>
    public static bool MayChangeNetwork(string verb, TextWriter stderr)
    {
        if (NetAdminCapability.Missing(verb, NetAdminCapability.EffectiveMask()) is not { } problem)
        {
            return true;
        }

        stderr.WriteLine($"gatectl: {problem}");
        return false;
    }

    /// <summary>Runs <paramref name="action"/>, printing gatectl's own, lock and permission failures as one line and returning <see cref="ExitCodes.Error"/>.</summary>
    public static async Task<int> GuardAsync(TextWriter stderr, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        // Every failure gatectl explains (GatectlException, the rtnetlink library's NetlinkException) is one line.
        catch (Exception e) when (e is GatectlException or NetlinkException or TimeoutException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"gatectl: {e.Message}");
            return ExitCodes.Error;
        }
    }
}
