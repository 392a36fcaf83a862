namespace Gate.NetlinkCtl.Netlink;

/// <summary>A device's traffic counters (IFLA_STATS64, <c>ip -s link show</c>).</summary>
public sealed record LinkCounters(
    ulong RxPackets,
    ulong TxPackets,
    ulong RxBytes,
    ulong TxBytes,
    ulong RxErrors,
    ulong TxErrors,
    ulong RxDropped,
    ulong TxDropped)
{
    /// <summary>The counters as <c>ip -s</c> would sum them up in one line.</summary>
    public override string ToString() =>
        $"rx {RxPackets} packets ({RxErrors} errors, {RxDropped} dropped), tx {TxPackets} packets ({TxErrors} errors, {TxDropped} dropped)";
}

/// <summary>Per-device IPv4 settings the kernel reports over RTM_GETNETCONF (<c>ip netconf show dev X</c>).</summary>
/// <param name="Index">The device's index, or -1 for <c>all</c>, -2 for <c>default</c>.</param>
/// <param name="ReversePathFilter">net.ipv4.conf.X.rp_filter: 0 off, 1 strict, 2 loose; null when not reported.</param>
/// <param name="Forwarding">net.ipv4.conf.X.forwarding, when reported.</param>
public sealed record InterfaceNetconf(int Index, int? ReversePathFilter, bool? Forwarding)
{
    /// <summary>NETCONFA_IFINDEX_ALL: the <c>all</c> pseudo-device.</summary>
    public const int All = -1;
}
