namespace Gate.NetlinkCtl.State;

/// <summary>
/// Where a gate's endpoints come from besides its literal list: the SORACOM API's Gate peers of one VPG
/// (<c>ownedByCustomer: false</c> entries are the VPG's endpoints, the others are peers).
/// </summary>
/// <param name="VpgId">The Virtual Private Gateway's id (<c>vpg_id</c> in the API's paths).</param>
/// <param name="Coverage">Which API serves the VPG: Japan or global coverage.</param>
/// <param name="Credentials">Where the auth key comes from (never the state file itself).</param>
internal sealed record SoracomSource(string VpgId, SoracomCoverage Coverage, SoracomCredentialsSource Credentials)
{
    /// <summary>The API's base URL instead of the coverage's (tests, private endpoints); null for the coverage's own.</summary>
    public Uri? ApiUrl { get; init; }

    /// <summary>How long one API request may take before the cache is used instead.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>How long an answer is used before the API is asked again (the daemon reconciles more often than that).</summary>
    public TimeSpan RefreshInterval { get; init; } = DefaultRefreshInterval;

    /// <summary>Whether <c>apply</c> and the daemon register this host (local as outer IP, address as inner IP) when the VPG does not list it, and <c>delete</c> unregisters it.</summary>
    public bool Register { get; init; }

    /// <summary>True when the state file leaves <c>vni</c> out: it is the VPG's <c>gateVxlanId</c>.</summary>
    public bool VniFromVpg { get; init; }

    /// <summary>True when the state file leaves <c>deviceSubnet</c> out: it is the VPG's <c>deviceSubnetCidrRange</c>.</summary>
    public bool DeviceSubnetFromVpg { get; init; }

    /// <summary>The token life gatectl asks for at login (<c>tokenTimeoutSeconds</c>); the session is kept until shortly before it ends.</summary>
    public TimeSpan TokenLifetime { get; init; } = DefaultTokenLifetime;

    /// <summary>The default of <see cref="TokenLifetime"/>: the API's own default, 24 h.</summary>
    public static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromHours(24);

    /// <summary>The default of <see cref="Timeout"/>.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The default of <see cref="RefreshInterval"/>.</summary>
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromMinutes(1);

    /// <summary>The base URL requests go to.</summary>
    public Uri BaseUrl => ApiUrl ?? (Coverage == SoracomCoverage.Global ? GlobalApi : JapanApi);

    /// <summary>The Japan coverage API.</summary>
    public static readonly Uri JapanApi = new("https://api.soracom.io");

    /// <summary>The global coverage API.</summary>
    public static readonly Uri GlobalApi = new("https://g.api.soracom.io");
}

/// <summary>SORACOM's two coverages, each with its own API.</summary>
internal enum SoracomCoverage
{
    /// <summary>Japan coverage, <c>api.soracom.io</c>.</summary>
    Jp,

    /// <summary>Global coverage, <c>g.api.soracom.io</c>.</summary>
    Global,
}

/// <summary>Where the auth key (id and secret) is read from: a file only root may read, or the environment.</summary>
/// <param name="File">A JSON file <c>{"authKeyId": ..., "authKey": ...}</c> with mode 0600 or narrower, or null.</param>
/// <param name="Environment">True to read <c>SORACOM_AUTH_KEY_ID</c> and <c>SORACOM_AUTH_KEY</c>.</param>
internal sealed record SoracomCredentialsSource(string? File, bool Environment)
{
    /// <summary>The variable holding the auth key id.</summary>
    public const string KeyIdVariable = "SORACOM_AUTH_KEY_ID";

    /// <summary>The variable holding the auth key secret.</summary>
    public const string KeyVariable = "SORACOM_AUTH_KEY";

    /// <summary>For messages: where the credentials are read from (never what they are).</summary>
    public override string ToString() => File is not null ? $"credentials file {File}" : $"environment variables {KeyIdVariable} and {KeyVariable}";
}
