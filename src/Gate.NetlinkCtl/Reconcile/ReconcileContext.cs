using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile;

/// <summary>Where and how a reconcile runs: which network namespace, which backend, where the apply lock lives.</summary>
/// <param name="Netns">Named network namespace (as <c>ip netns</c> knows it), or null for the current one.</param>
/// <param name="Backend">Backend to use; <see cref="BackendKind.Auto"/> defers to the state file's <c>host.backend</c>, then to the selector's rule.</param>
internal sealed record ReconcileContext(string? Netns = null, BackendKind Backend = BackendKind.Auto)
{
    /// <summary>The default directory of the per-namespace lock files.</summary>
    public const string DefaultLockDirectory = "/run/gatectl";

    /// <summary>Directory of the lock files that keep two applies from interleaving.</summary>
    public string LockDirectory { get; init; } = DefaultLockDirectory;

    /// <summary>How long apply waits for another apply in the same namespace to finish.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The lock file of this namespace.</summary>
    public string LockPath => Path.Combine(LockDirectory, Netns is null ? "host.lock" : $"netns-{Netns}.lock");
}
