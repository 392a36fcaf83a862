using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile;

/// <summary>
/// What the resolve stage hands to plan: the desired state with every SORACOM source resolved, and how each was. A
/// gate whose endpoints are unknown (API and cache failed) is <em>held</em>: plan, diff and the daemon's fast path leave
/// it exactly as it is on the host, and its resolution says why.
/// </summary>
/// <param name="State">The state to plan: literal lists joined with the answers (a held gate's lists as the file has them).</param>
/// <param name="Resolutions">One per gate with a <c>soracom</c> source.</param>
internal sealed record ResolvedState(DesiredState State, EquatableList<EndpointResolution> Resolutions)
{
    /// <summary>A state without SORACOM sources to resolve (or one never resolved, as <c>delete</c>'s): nothing held.</summary>
    public static ResolvedState Of(DesiredState state) => new(state, EquatableList<EndpointResolution>.Empty);

    /// <summary>The gates left as they are, each with why (<see cref="EndpointResolution.Error"/>).</summary>
    public IEnumerable<EndpointResolution> HeldGates => Resolutions.Where(r => r.IsHeld);

    /// <summary>True when <paramref name="gate"/>'s endpoints are unknown, so nothing of it is planned, pruned or repaired.</summary>
    public bool IsHeld(string gate) => Resolutions.Any(r => r.IsHeld && r.Gate == gate);

    /// <summary>True when any gate is held (host-wide features, built from every gate's endpoints, then stay as they are).</summary>
    public bool AnyHeld => Resolutions.Any(r => r.IsHeld);
}
