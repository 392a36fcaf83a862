namespace Gate.NetlinkCtl.Rendering;

/// <summary>A template could not be read, parsed or rendered; the message names the file and line.</summary>
internal sealed class TemplateException : GatectlException
{
    /// <summary>Creates the exception with a message a person can act on.</summary>
    public TemplateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception wrapping what Scriban reported.</summary>
    public TemplateException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception without a message (for serializers).</summary>
    public TemplateException()
    {
    }
}
