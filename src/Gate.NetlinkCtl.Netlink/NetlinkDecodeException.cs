namespace Gate.NetlinkCtl.Netlink;

/// <summary>Bytes from the kernel (or a test) that do not form a valid rtnetlink message.</summary>
public sealed class NetlinkDecodeException : NetlinkException
{
    /// <summary>Creates the exception with a message that says which field was malformed.</summary>
    public NetlinkDecodeException(string message)
        : base($"malformed netlink message: {message}")
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public NetlinkDecodeException()
        : this("unknown reason")
    {
    }

    /// <summary>Creates the exception wrapping another.</summary>
    public NetlinkDecodeException(string message, Exception innerException)
        : base($"malformed netlink message: {message}", innerException)
    {
    }
}
