namespace Gate.NetlinkCtl.Backends.NetworkManager;

/// <summary>How the NetworkManager backend decides which gates become NetworkManager profiles.</summary>
internal enum NetworkManagerMode
{
    /// <summary><c>backend: networkmanager</c>: every new gate is a profile; NetworkManager must be reachable.</summary>
    Required,

    /// <summary>
    /// <c>backend: auto</c>: a new gate is a profile when NetworkManager runs and manages its underlay, a plain
    /// rtnetlink device otherwise; an existing gate keeps the kind it has.
    /// </summary>
    Auto,
}
