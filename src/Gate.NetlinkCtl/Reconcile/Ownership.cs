namespace Gate.NetlinkCtl.Reconcile;

/// <summary>The marks written into kernel objects that make them gatectl's own (docs/ARCHITECTURE.md).</summary>
internal static class Ownership
{
    /// <summary>A gatectl device's ifalias is this prefix followed by the gate's name.</summary>
    public const string AliasPrefix = "gatectl:";

    /// <summary>Prefix-route metric (IFA_RT_PRIORITY) of gatectl's addresses.</summary>
    public const uint AddressMetric = 147;

    /// <summary>Route protocol (RTPROT) of gatectl's routes.</summary>
    public const byte RouteProtocol = 147;

    /// <summary>The MAC of flood (all-zero) FDB entries.</summary>
    public const string FloodMac = "00:00:00:00:00:00";

    /// <summary>The kernel's link kind of a VXLAN device.</summary>
    public const string VxlanKind = "vxlan";

    /// <summary>The ifalias that marks a device as the given gate's.</summary>
    public static string AliasFor(string gate) => AliasPrefix + gate;

    /// <summary>The gate named by a gatectl ifalias, or null when the alias is not gatectl's.</summary>
    public static string? GateOfAlias(string? alias) =>
        alias is not null && alias.StartsWith(AliasPrefix, StringComparison.Ordinal) && alias.Length > AliasPrefix.Length
            ? alias[AliasPrefix.Length..]
            : null;

    /// <summary>True for the all-zero MAC, in any spelling.</summary>
    public static bool IsFloodMac(string mac) => PhysicalAddressText.Normalize(mac) == FloodMac;
}

/// <summary>MAC address text in one canonical form (lower case, colon separated).</summary>
internal static class PhysicalAddressText
{
    /// <summary>Lower-cases and colon-separates a MAC address.</summary>
    public static string Normalize(string mac) => mac.Replace('-', ':').ToLowerInvariant();
}
