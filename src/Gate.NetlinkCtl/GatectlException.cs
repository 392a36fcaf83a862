namespace Gate.NetlinkCtl;

/// <summary>
/// The root of every failure gatectl reports to a person: the message says what failed and what to do, so a caller
/// that catches this type can print the message as it is. The rtnetlink library keeps its own root,
/// <see cref="Netlink.NetlinkException"/>, since it does not depend on gatectl.
/// </summary>
internal abstract class GatectlException : Exception
{
    /// <summary>Creates the exception with a message a person can act on.</summary>
    protected GatectlException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception without a message (for serializers).</summary>
    protected GatectlException()
    {
    }

    /// <summary>The object concerned (a gate, interface, file, table or API operation), when there is one.</summary>
    public string? Subject { get; init; }
}
