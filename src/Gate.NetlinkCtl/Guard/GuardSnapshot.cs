using Gate.NetlinkCtl.Netlink;

namespace Gate.NetlinkCtl.Guard;

/// <summary>gatectl's table as it was observed (rules with their expressions as the kernel dumped them), kept so a failed apply can put it back.</summary>
/// <param name="Table">The table's chains, sets with elements, and rules.</param>
internal sealed record GuardSnapshot(NfTableContents Table)
{
    /// <summary>The transaction that replaces gatectl's table with this snapshot, atomically.</summary>
    public NfTransaction RestoreTransaction() => new NfTransaction().ReplaceTable(Table);
}
