using System.Runtime.InteropServices;
using System.Text;

namespace Gate.NetlinkCtl.Netlink;

/// <summary>
/// A failed netlink operation: the kernel refused a request (<see cref="Errno"/> set), a socket call failed,
/// or (as <see cref="NetlinkDecodeException"/>) a message could not be decoded.
/// </summary>
public class NetlinkException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public NetlinkException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public NetlinkException()
        : base("netlink operation failed")
    {
    }

    /// <summary>Creates the exception wrapping another.</summary>
    public NetlinkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an errno the kernel (or a socket call) returned for a request.</summary>
    /// <param name="errno">The positive errno.</param>
    /// <param name="request">What was asked, e.g. "RTM_NEWLINK gate0".</param>
    /// <param name="kernelMessage">The kernel's extended-ack text, when it sent one.</param>
    public NetlinkException(int errno, string request, string? kernelMessage = null)
        : base(Describe(errno, request, kernelMessage))
    {
        Errno = errno;
        Request = request;
        KernelMessage = kernelMessage;
    }

    /// <summary>The positive errno, or 0 when the failure was not an errno (e.g. a decode error).</summary>
    public int Errno { get; }

    /// <summary>The errno's symbolic name ("EEXIST"), or null when <see cref="Errno"/> is 0.</summary>
    public string? ErrnoName => Errno == 0 ? null : ErrnoNames.Of(Errno);

    /// <summary>The request that failed, e.g. "RTM_NEWLINK gate0", when known.</summary>
    public string? Request { get; }

    /// <summary>The kernel's extended-ack message (NLMSGERR_ATTR_MSG), when it sent one.</summary>
    public string? KernelMessage { get; }

    /// <summary>
    /// True when the object the request named does not exist (ENOENT, ENODEV, ESRCH, EADDRNOTAVAIL):
    /// for a delete this usually means "already gone".
    /// </summary>
    public bool IsNotFound => Errno is ErrnoNames.ENOENT or ErrnoNames.ENODEV or ErrnoNames.ESRCH or ErrnoNames.EADDRNOTAVAIL;

    /// <summary>True when the object already exists (EEXIST).</summary>
    public bool IsAlreadyExists => Errno == ErrnoNames.EEXIST;

    /// <summary>True when the interface index the request named does not exist (ENODEV): the device is gone or was replaced.</summary>
    public bool IsNoSuchDevice => Errno == ErrnoNames.ENODEV;

    private static string Describe(int errno, string request, string? kernelMessage)
    {
        var text = new StringBuilder()
            .Append(request).Append(": ").Append(Marshal.GetPInvokeErrorMessage(errno))
            .Append(" (").Append(ErrnoNames.Of(errno)).Append(')');
        if (!string.IsNullOrEmpty(kernelMessage))
        {
            text.Append(": ").Append(kernelMessage);
        }

        return text.ToString();
    }
}

/// <summary>Linux errno numbers and their symbolic names.</summary>
internal static class ErrnoNames
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int EOPNOTSUPP = 95;
    public const int EAFNOSUPPORT = 97;
    public const int ENOBUFS = 105;
    public const int EADDRNOTAVAIL = 99;

    public static string Of(int errno) => errno switch
    {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        ESRCH => "ESRCH",
        EINTR => "EINTR",
        5 => "EIO",
        6 => "ENXIO",
        7 => "E2BIG",
        9 => "EBADF",
        EAGAIN => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        14 => "EFAULT",
        16 => "EBUSY",
        EEXIST => "EEXIST",
        18 => "EXDEV",
        ENODEV => "ENODEV",
        20 => "ENOTDIR",
        EINVAL => "EINVAL",
        23 => "ENFILE",
        24 => "EMFILE",
        28 => "ENOSPC",
        34 => "ERANGE",
        36 => "ENAMETOOLONG",
        38 => "ENOSYS",
        39 => "ENOTEMPTY",
        61 => "ENODATA",
        90 => "EMSGSIZE",
        93 => "EPROTONOSUPPORT",
        EOPNOTSUPP => "EOPNOTSUPP",
        EAFNOSUPPORT => "EAFNOSUPPORT",
        98 => "EADDRINUSE",
        EADDRNOTAVAIL => "EADDRNOTAVAIL",
        100 => "ENETDOWN",
        101 => "ENETUNREACH",
        ENOBUFS => "ENOBUFS",
        110 => "ETIMEDOUT",
        113 => "EHOSTUNREACH",
        _ => $"errno {errno}",
    };
}
