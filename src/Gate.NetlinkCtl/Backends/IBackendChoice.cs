using Gate.NetlinkCtl.Reconcile.Observe;

namespace Gate.NetlinkCtl.Backends;

/// <summary>A backend that chooses how to program the host by itself (<c>backend: auto</c>) and can say why.</summary>
internal interface IBackendChoice
{
    /// <summary>
    /// Which backend programs what <paramref name="request"/> names, and why, asked of the host now (nothing is kept from
    /// an earlier observation): the name results report (<c>networkmanager</c>, or the kernel backend's when NetworkManager
    /// has no part) and the reasons <c>plan</c> prints.
    /// </summary>
    Task<BackendChoice> ChooseAsync(ObserveRequest request, CancellationToken cancellationToken = default);
}

/// <summary>What a choosing backend decided for one request.</summary>
/// <param name="Backend">The backend name results report.</param>
/// <param name="Reasons">What was chosen for which gates or underlays, and why, for people.</param>
internal sealed record BackendChoice(string Backend, IReadOnlyList<string> Reasons);
