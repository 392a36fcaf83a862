using Gate.NetlinkCtl.Netlink;

namespace Gate.NetlinkCtl.Guard;

/// <summary>The guard could not read, program or remove gatectl's nftables table; the message says why and what to do.</summary>
internal sealed class GuardException : GatectlException
{
    /// <summary>Creates the exception with a message a person can act on.</summary>
    public GuardException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping its cause.</summary>
    public GuardException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception without a message (for serializers).</summary>
    public GuardException()
    {
    }

    /// <summary>True when the kernel has no nf_tables (or no inet family) at all: then there can be no table either.</summary>
    public bool NoNfTables { get; init; }

    /// <summary>What the kernel's refusal of <paramref name="verb"/> means, named by its cause.</summary>
    internal static GuardException From(NetlinkException e, string verb, string where)
    {
        var what = $"cannot {verb} table {GuardTable.Display} in {where}";
        GuardException NoNfTablesSupport() =>
            new($"{what}: the kernel has no nf_tables support (modprobe nf_tables), or set host.guard: false ({e.Message})", e) { NoNfTables = true };
        return e.ErrnoName switch
        {
            // No nf_tables (or no inet family); ENOENT on the table's own creation, likewise.
            "EAFNOSUPPORT" or "EOPNOTSUPP" or "EPROTONOSUPPORT" => NoNfTablesSupport(),
            "ENOENT" when e.Request?.StartsWith("NFT_MSG_NEWTABLE", StringComparison.Ordinal) == true => NoNfTablesSupport(),
            "EPERM" or "EACCES" => new GuardException($"{what}: gatectl needs CAP_NET_ADMIN in that network namespace (run it as root or give the service CAP_NET_ADMIN) ({e.Message})", e),
            _ => new GuardException($"{what}: {e.Message}", e),
        };
    }
}
