namespace Gate.NetlinkCtl;

/// <summary>
/// The marks gatectl writes into kernel objects so that it recognises its own after a restart
/// (docs/ARCHITECTURE.md, "What gatectl owns"); everything without them is foreign.
/// </summary>
public static class OwnershipMarks
{
    /// <summary>Prefix of a gatectl device's ifalias; the gate's name follows.</summary>
    public const string AliasPrefix = "gatectl:";

    /// <summary>Prefix-route metric (IFA_RT_PRIORITY) of the addresses gatectl assigns.</summary>
    public const int AddressMetric = 147;

    /// <summary>Routing protocol number of the routes gatectl installs.</summary>
    public const int RouteProtocol = 147;

    /// <summary>Family of gatectl's nftables table.</summary>
    public const string GuardTableFamily = "inet";

    /// <summary>Name of gatectl's nftables table.</summary>
    public const string GuardTableName = "gatectl_guard";

    /// <summary>Prefix of a gatectl NetworkManager connection id; the gate's name follows.</summary>
    public const string ConnectionIdPrefix = "gatectl-";

    /// <summary>The ifalias that marks the device of <paramref name="gateName"/>.</summary>
    public static string Alias(string gateName) => AliasPrefix + gateName;

    /// <summary>The NetworkManager connection id of <paramref name="gateName"/>.</summary>
    public static string ConnectionId(string gateName) => ConnectionIdPrefix + gateName;
}
