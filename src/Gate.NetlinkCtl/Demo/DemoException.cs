namespace Gate.NetlinkCtl.Demo;

/// <summary>The emulator could not build, change or probe its namespaces; the message names the command and what it said.</summary>
internal sealed class DemoException : GatectlException
{
    /// <summary>Creates the exception with a message a person can act on.</summary>
    public DemoException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception around the failure that caused it.</summary>
    public DemoException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates an exception with no message (for serializers).</summary>
    public DemoException()
    {
    }
}
