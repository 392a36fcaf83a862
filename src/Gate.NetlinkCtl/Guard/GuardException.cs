namespace Gate.NetlinkCtl.Guard;

/// <summary>The guard could not observe, load or remove gatectl's nftables table; the message says what nft said and what to do.</summary>
public sealed class GuardException : Exception
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

    /// <summary>True when the failure is that nft (or unshare) is not installed.</summary>
    public bool MissingProgram { get; init; }

    /// <summary>Creates the exception without a message (for serializers).</summary>
    public GuardException()
    {
    }
}
