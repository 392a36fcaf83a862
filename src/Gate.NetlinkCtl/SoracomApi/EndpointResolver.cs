using System.Collections.Concurrent;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary>Resolves gates' SORACOM sources into endpoints and peers before planning.</summary>
public interface IEndpointResolver
{
    /// <summary>The state with each present gate's API answer (or cached answer) joined to its literal lists.</summary>
    Task<ResolvedState> ResolveAsync(DesiredState desired, CancellationToken cancellationToken);
}

/// <summary>
/// Asks the API at most once per <c>refreshInterval</c> per VPG (the daemon reconciles on every kernel event), stores
/// each good answer in the <see cref="PeerCache"/>, and when the API fails uses the last good answer. A gate with
/// neither is <em>held</em>: the planner leaves it exactly as it is on the host, so an outage never tears a gate down.
/// </summary>
/// <param name="source">The API (default: the real one over HTTPS).</param>
/// <param name="clock">The time (tests).</param>
public sealed class EndpointResolver(IGatePeerSource? source = null, Func<DateTimeOffset>? clock = null) : IEndpointResolver
{
    private readonly IGatePeerSource _source = source ?? new SoracomGatePeerSource();
    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);
    private readonly ConcurrentDictionary<string, CachedPeers> _lastGood = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, SoracomApiException Error)> _lastFailure = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task<ResolvedState> ResolveAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        if (!desired.Gates.Any(NeedsApi))
        {
            return new ResolvedState(desired, EquatableList<EndpointResolution>.Empty);
        }

        var cache = new PeerCache(desired.Host.StateDirectory);
        var gates = new List<GateSpec>();
        var resolutions = new List<EndpointResolution>();
        foreach (var gate in desired.Gates)
        {
            if (!NeedsApi(gate))
            {
                gates.Add(gate);
                continue;
            }

            var (answer, resolution) = await ResolveGateAsync(gate, cache, cancellationToken).ConfigureAwait(false);
            gates.Add(answer is null ? gate : GatePeerMapping.Merge(gate, answer.Peers));
            resolutions.Add(resolution);
        }

        var state = desired with
        {
            Gates = gates.ToEquatableList(),
            Held = resolutions.Where(r => r.IsHeld).Select(r => r.Gate).ToEquatableList(),
        };
        return new ResolvedState(state, resolutions.ToEquatableList());
    }

    // An absent gate is removed whatever its endpoints: no need to ask.
    private static bool NeedsApi(GateSpec gate) => gate.Soracom is not null && gate.State == GatePresence.Present;

    private async Task<(CachedPeers? Answer, EndpointResolution Resolution)> ResolveGateAsync(
        GateSpec gate, PeerCache cache, CancellationToken cancellationToken)
    {
        var soracom = gate.Soracom!;
        var key = $"{soracom.BaseUrl}|{soracom.VpgId}";
        var now = _clock();
        if (_lastGood.TryGetValue(key, out var recent) && now - recent.FetchedAt < soracom.RefreshInterval)
        {
            return (recent, Resolved(gate, soracom, EndpointOrigin.Api, recent, null));
        }

        var asked = false;
        try
        {
            // After a failure the API is left alone for a refresh interval too (a 429 or an outage is not helped by
            // one more request per kernel event); the daemon's retries then use the fallback below.
            if (_lastFailure.TryGetValue(key, out var failed) && now - failed.At < soracom.RefreshInterval)
            {
                throw failed.Error;
            }

            asked = true;
            var peers = await _source.ListAsync(soracom, cancellationToken).ConfigureAwait(false);
            if (!GatePeerMapping.Endpoints(peers).Any())
            {
                // A VPG always has endpoints while its gate is open: an answer without any is not trusted with the flood list.
                throw new SoracomApiException(SoracomFailure.Malformed,
                    $"SORACOM API: the Gate peers of {soracom.VpgId} list no VPG endpoint (ownedByCustomer: false); is Gate open on this VPG?");
            }

            var answer = new CachedPeers(now, peers);
            _lastGood[key] = answer;
            _lastFailure.TryRemove(key, out _);
            string? cacheError = null;
            try
            {
                cache.Write(soracom.VpgId, answer);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                cacheError = $"cache not written: {e.Message}";
            }

            return (answer, Resolved(gate, soracom, EndpointOrigin.Api, answer, cacheError));
        }
        catch (SoracomApiException e)
        {
            if (asked)
            {
                _lastFailure[key] = (now, e);
            }

            var fallback = _lastGood.GetValueOrDefault(key);
            var onDisk = cache.Read(soracom.VpgId, out var cacheProblem);
            if (fallback is null || (onDisk is not null && onDisk.FetchedAt > fallback.FetchedAt))
            {
                fallback = onDisk;
            }

            return fallback is null
                ? (null, new EndpointResolution(gate.Name, soracom.VpgId, EndpointOrigin.None, null, 0, 0, $"{e.Message}; {cacheProblem}"))
                : (fallback, Resolved(gate, soracom, EndpointOrigin.Cache, fallback, e.Message));
        }
    }

    // Counts as the gate uses them: this host's own registration is not a peer.
    private static EndpointResolution Resolved(GateSpec gate, SoracomSource soracom, EndpointOrigin origin, CachedPeers answer, string? error) => new(
        gate.Name,
        soracom.VpgId,
        origin,
        answer.FetchedAt,
        answer.Peers.Count(p => !p.OwnedByCustomer),
        answer.Peers.Count(p => p.OwnedByCustomer && !p.Outer.Equals(gate.Local)),
        error);
}
