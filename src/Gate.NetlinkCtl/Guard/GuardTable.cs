namespace Gate.NetlinkCtl.Guard;

/// <summary>gatectl's own nftables table, the only one the guard ever changes (docs/ARCHITECTURE.md).</summary>
internal static class GuardTable
{
    /// <summary>The table's family.</summary>
    public const string Family = "inet";

    /// <summary>The table's name.</summary>
    public const string Name = "gatectl_guard";

    /// <summary>How nft names it on a command line: <c>inet gatectl_guard</c>.</summary>
    public const string Display = Family + " " + Name;
}
