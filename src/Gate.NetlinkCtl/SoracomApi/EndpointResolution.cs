using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary>Where one gate's endpoints came from in this run, for <c>plan</c>, <c>apply</c>, <c>diff</c> and the daemon's log.</summary>
/// <param name="Gate">The gate.</param>
/// <param name="VpgId">The VPG asked.</param>
/// <param name="Origin">The API, the cache, or nothing.</param>
/// <param name="FetchedAt">When the answer in use was fetched (null when there is none).</param>
/// <param name="Endpoints">How many VPG endpoints the answer lists.</param>
/// <param name="Peers">How many other customers' peers it lists.</param>
/// <param name="Error">Why the API was not used (null when it was).</param>
internal sealed record EndpointResolution(string Gate, string VpgId, EndpointOrigin Origin, DateTimeOffset? FetchedAt, int Endpoints, int Peers, string? Error)
{
    /// <summary>What a person should know though the answer was used: entries of the list skipped (each named, with why).</summary>
    public EquatableList<string> Notes { get; init; } = EquatableList<string>.Empty;

    /// <summary>Why the gate cannot work with this VPG (VNI or device subnet differ, Gate closed): plan and apply refuse it, each with the fix.</summary>
    public EquatableList<string> Problems { get; init; } = EquatableList<string>.Empty;

    /// <summary>Whether the answer in use lists this host (the gate's <c>local</c>) as a Gate Peer; null without an answer.</summary>
    public bool? Registered { get; init; }

    /// <summary>True when the gate's endpoints could not be known at all: it is left as it is.</summary>
    public bool IsHeld => Origin == EndpointOrigin.None;

    /// <summary>One line for people: where the endpoints came from and, from the cache, how old they are and why.</summary>
    public string Describe(DateTimeOffset now) => DescribeOrigin(now) + string.Concat(Notes.Select(n => $"; {n}"));

    private string DescribeOrigin(DateTimeOffset now) => Origin switch
    {
        EndpointOrigin.Api => $"endpoints from the SORACOM API ({VpgId}): {Count(Endpoints, "endpoint")}, {Count(Peers, "peer")}, fetched {Age(now)} ago{(Error is null ? "" : $"; {Error}")}",
        EndpointOrigin.Cache => $"endpoints from cache, {Age(now)} old ({VpgId}: {Count(Endpoints, "endpoint")}, {Count(Peers, "peer")}; API error: {Error})",
        _ => $"endpoints unavailable ({VpgId}; API error: {Error}): the gate is left as it is until the API answers",
    };

    private string Age(DateTimeOffset now) => AgeText(now - (FetchedAt ?? now));

    /// <summary>"12 seconds", "1 minute", "3 hours", "2 days".</summary>
    public static string AgeText(TimeSpan age) =>
        age.TotalMinutes < 1 ? Count((int)Math.Max(0, age.TotalSeconds), "second")
        : age.TotalHours < 1 ? Count((int)age.TotalMinutes, "minute")
        : age.TotalDays < 1 ? Count((int)age.TotalHours, "hour")
        : Count((int)age.TotalDays, "day");

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
}

/// <summary>Where a gate's API-derived endpoints came from.</summary>
internal enum EndpointOrigin
{
    /// <summary>A fresh API answer.</summary>
    Api,

    /// <summary>The last good answer on disk (or in memory), because the API failed.</summary>
    Cache,

    /// <summary>Neither: the gate is held as it is.</summary>
    None,
}

/// <summary>What happened to this host's registration as a Gate Peer of one gate's VPG.</summary>
/// <param name="Gate">The gate.</param>
/// <param name="VpgId">Its VPG.</param>
/// <param name="Outer">This host's outer IP (the gate's local).</param>
/// <param name="Inner">This host's inner IP (register only).</param>
/// <param name="Result"><c>registered</c>, <c>unregistered</c>, <c>not-registered</c> or <c>failed</c>.</param>
/// <param name="Error">Why it failed and what to do, or null.</param>
internal sealed record RegistrationOutcome(string Gate, string VpgId, string Outer, string? Inner, string Result, string? Error)
{
    /// <summary>One line for people.</summary>
    public string Describe() => Error is not null
        ? $"{Gate}: {(Inner is null ? "unregistering" : "registering")} {Outer} in {VpgId} failed: {Error}"
        : Result switch
        {
            "registered" => $"{Gate}: registered this host ({Outer}, inner {Inner}) as a Gate Peer of {VpgId}",
            "unregistered" => $"{Gate}: unregistered this host ({Outer}) from the Gate peers of {VpgId}",
            _ => $"{Gate}: this host ({Outer}) was not registered in {VpgId}",
        };
}
