using Gate.NetlinkCtl.SoracomApi;

namespace Gate.NetlinkCtl.Cli.Output;

/// <summary>How the reconciling verbs print where SORACOM-sourced endpoints came from, and what a held gate means for the exit code.</summary>
internal static class EndpointSources
{
    /// <summary>One line per gate with a SORACOM source: <c>soracom: GATE: endpoints from cache, 12 minutes old (...)</c>.</summary>
    public static void Print(IReadOnlyList<EndpointResolution> sources, TextWriter stdout)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var source in sources)
        {
            stdout.WriteLine($"soracom: {source.Gate}: {source.Describe(now)}");
        }
    }

    /// <summary>
    /// Says on stderr which gates were held (endpoints unknown, left as they are) and returns <see cref="ExitCodes.Error"/>;
    /// returns <paramref name="exitCode"/> when none was.
    /// </summary>
    public static int Held(IReadOnlyList<EndpointResolution> sources, int exitCode, TextWriter stderr)
    {
        var held = sources.Where(s => s.IsHeld).ToList();
        foreach (var source in held)
        {
            stderr.WriteLine($"gatectl: gate {source.Gate}: its endpoints could not be read from the SORACOM API nor its cache, so it was left as it is: {source.Error}");
        }

        return held.Count > 0 ? ExitCodes.Error : exitCode;
    }

    /// <summary>
    /// Prints this host's registrations as a Gate Peer (made by apply, removed by delete): done ones on stdout in text
    /// output, failed ones on stderr always; returns <see cref="ExitCodes.Error"/> when one failed, else <paramref name="exitCode"/>.
    /// </summary>
    public static int Registrations(IReadOnlyList<RegistrationOutcome> outcomes, int exitCode, OutputFormat format, TextWriter stdout, TextWriter stderr)
    {
        foreach (var outcome in outcomes)
        {
            if (outcome.Error is not null)
            {
                stderr.WriteLine($"gatectl: soracom: {outcome.Describe()}");
            }
            else if (format == OutputFormat.Text)
            {
                stdout.WriteLine($"soracom: {outcome.Describe()}");
            }
        }

        return outcomes.Any(o => o.Error is not null) ? ExitCodes.Error : exitCode;
    }

    /// <summary>The sources as JSON entries.</summary>
    public static IReadOnlyList<SourceEntry> Entries(IReadOnlyList<EndpointResolution> sources)
    {
        var now = DateTimeOffset.UtcNow;
        return [.. sources.Select(s => new SourceEntry(
            s.Gate, s.VpgId, s.Origin.ToString().ToLowerInvariant(), s.FetchedAt,
            s.FetchedAt is { } at ? Math.Round((now - at).TotalSeconds, 1) : null, s.Endpoints, s.Peers, s.Error))];
    }
}

/// <summary>Where one gate's endpoints came from, in JSON.</summary>
/// <param name="Gate">The gate.</param>
/// <param name="VpgId">The VPG asked.</param>
/// <param name="Origin"><c>api</c>, <c>cache</c> or <c>none</c> (the gate was held as it is).</param>
/// <param name="FetchedAt">When the answer in use was fetched.</param>
/// <param name="AgeSeconds">How old that answer is.</param>
/// <param name="Endpoints">VPG endpoints in the answer.</param>
/// <param name="Peers">Customers' peers in the answer.</param>
/// <param name="Error">Why the API was not used, or null.</param>
internal sealed record SourceEntry(string Gate, string VpgId, string Origin, DateTimeOffset? FetchedAt, double? AgeSeconds, int Endpoints, int Peers, string? Error);
