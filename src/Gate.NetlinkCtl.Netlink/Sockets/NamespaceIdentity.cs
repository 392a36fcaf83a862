namespace Gate.NetlinkCtl.Netlink.Sockets;

/// <summary>
/// Which network namespace a process runs in, told without ptrace access to it. <c>/proc/PID/ns/net</c> needs that
/// access, which a service holding CAP_NET_ADMIN alone (gatectl.service) lacks towards a process with more capabilities
/// (NetworkManager). The entries under <c>/proc/PID/net/</c> belong to the process's namespace, each namespace having
/// its own, with an inode number of its own: equal inodes of <c>/proc/A/net/dev</c> and <c>/proc/B/net/dev</c> mean
/// one namespace.
/// </summary>
public static class NamespaceIdentity
{
    /// <summary>The inode of <c>/proc/PID/net/dev</c> (<paramref name="pid"/> null: this process), or null when it cannot be read.</summary>
    public static unsafe ulong? ProcNetInode(int? pid)
    {
        var path = $"/proc/{(pid is { } p ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "self")}/net/dev";

        // struct stat is 144 bytes on x86_64 and 128 on arm64; st_ino follows the 8-byte st_dev on both.
        var buffer = stackalloc byte[256];
        return Interop.stat(path, buffer) == 0 ? *(ulong*)(buffer + 8) : null;
    }
}
