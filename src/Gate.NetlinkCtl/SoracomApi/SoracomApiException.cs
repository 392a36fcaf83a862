namespace Gate.NetlinkCtl.SoracomApi;

/// <summary>
/// A SORACOM API call failed. The message says what failed and what to do, and never holds a secret
/// (no auth key, API key or token is ever put in a message).
/// </summary>
internal sealed class SoracomApiException : GatectlException
{
    /// <summary>Creates the exception.</summary>
    public SoracomApiException(SoracomFailure failure, string message, Exception? inner = null)
        : base(message, inner) => Failure = failure;

    /// <summary>Creates an exception with no detail (for serializers and analyzers).</summary>
    public SoracomApiException()
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    public SoracomApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public SoracomApiException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>What kind of failure it was.</summary>
    public SoracomFailure Failure { get; }

    /// <summary>The HTTP status the API answered, or null when there was no answer.</summary>
    public int? Status { get; init; }

    /// <summary>The API's own error code (<c>code</c> of its <c>APICallErrorMessage</c>), when it sent one.</summary>
    public string? ApiCode { get; init; }
}

/// <summary>The kinds of API failure a person acts on differently.</summary>
internal enum SoracomFailure
{
    /// <summary>The credentials are missing, unreadable, too widely readable, or the API refused them (401).</summary>
    Credentials,

    /// <summary>The SAM user lacks the permission for the operation (403).</summary>
    Permission,

    /// <summary>The API refused the request as invalid (400).</summary>
    BadRequest,

    /// <summary>The API asked to slow down (429) for longer than gatectl waits.</summary>
    RateLimited,

    /// <summary>No reply within the timeout.</summary>
    Timeout,

    /// <summary>The API answered with a server error (5xx) or another unexpected status.</summary>
    Status,

    /// <summary>The reply was not the JSON the API documents.</summary>
    Malformed,

    /// <summary>The API could not be reached (DNS, connection refused, TLS).</summary>
    Network,

    /// <summary>The VPG (or the peer) does not exist for these credentials (404).</summary>
    NotFound,
}
