using System.Net;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>An IP address on a device (<c>ip addr show</c>): the local address with its prefix length.</summary>
/// <param name="LinkIndex">The device's index.</param>
/// <param name="Address">The local address (IFA_LOCAL, or IFA_ADDRESS when there is no IFA_LOCAL).</param>
/// <param name="PrefixLength">The prefix length.</param>
public sealed record LinkAddress(int LinkIndex, IPAddress Address, byte PrefixLength)
{
    /// <summary>The prefix route's metric (IFA_RT_PRIORITY, <c>ip addr add ... metric N</c>), or null for none; gatectl uses 147.</summary>
    public uint? Metric { get; init; }

    /// <summary>The label (IFA_LABEL), or null.</summary>
    public string? Label { get; init; }

    /// <summary>The broadcast address (IFA_BROADCAST), or null.</summary>
    public IPAddress? Broadcast { get; init; }

    /// <summary>The scope (0 universe, 253 link, 254 host).</summary>
    public byte Scope { get; init; }

    /// <summary>The address flags (IFA_FLAGS, IFA_F_*), e.g. 0x80 permanent.</summary>
    public uint Flags { get; init; }

    /// <summary>The address with its prefix, as <c>ip</c> prints it.</summary>
    public override string ToString() => $"{Address}/{PrefixLength} dev #{LinkIndex}";
}
