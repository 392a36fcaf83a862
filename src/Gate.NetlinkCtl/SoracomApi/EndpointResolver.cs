using System.Collections.Concurrent;
using System.Net;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.SoracomApi;

/// <summary>Resolves gates' SORACOM sources into endpoints and peers before planning, and keeps this host registered.</summary>
internal interface IEndpointResolver
{
    /// <summary>The state with each present gate's API answer (or cached answer) joined to its literal lists.</summary>
    Task<ResolvedState> ResolveAsync(DesiredState desired, CancellationToken cancellationToken);

    /// <summary>Registers this host in the VPG of each resolved gate with <c>register: true</c> that the API does not list it in (after apply).</summary>
    Task<EquatableList<RegistrationOutcome>> RegisterAsync(ResolvedState resolved, CancellationToken cancellationToken);

    /// <summary>Unregisters this host from the VPG of each gate with <c>register: true</c> (after delete).</summary>
    Task<EquatableList<RegistrationOutcome>> UnregisterAsync(DesiredState desired, CancellationToken cancellationToken);

    /// <summary>Revokes the API sessions held in memory (the daemon, when it stops); returns what failed.</summary>
    Task<IReadOnlyList<string>> CloseAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Asks the API at most once per <c>refreshInterval</c> per VPG (the daemon reconciles on every kernel event), stores
/// each good answer in the <see cref="PeerCache"/>, and when the API fails uses the last good answer. A gate with
/// neither is <em>held</em>: the planner leaves it exactly as it is on the host, so an outage never tears a gate down.
/// The VPG's Gate settings come with its peers: a gate whose VNI or address does not fit the VPG, or a closed Gate, is
/// reported as a problem that stops plan and apply before anything changes.
/// </summary>
/// <param name="source">The API (default: the real one over HTTPS, sessions kept in a 0600 file).</param>
/// <param name="clock">The time (tests).</param>
internal sealed class EndpointResolver(IGatePeerSource? source = null, Func<DateTimeOffset>? clock = null) : IEndpointResolver
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
            return ResolvedState.Of(desired);
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

            var (answer, resolution) = await ResolveGateAsync(gate, cache, desired.Host.StateDirectory, cancellationToken).ConfigureAwait(false);
            if (answer is not null && TakeFromVpg(gate, answer.Vpg) is { } taken)
            {
                var merged = GatePeerMapping.Merge(taken, answer.Peers);
                gates.Add(merged);
                resolutions.Add(resolution with { Problems = VpgChecks.Problems(merged, answer.Vpg).ToEquatableList() });
            }
            else
            {
                gates.Add(gate);
                resolutions.Add(answer is null ? resolution : resolution with
                {
                    Origin = EndpointOrigin.None,
                    Error = $"{(gate.Soracom!.VniFromVpg ? "vni" : "deviceSubnet")} is taken from the VPG, whose Gate settings are not known yet "
                        + $"({resolution.Error ?? "the cache predates them"}); set it in the state file to apply without them",
                });
            }
        }

        return new ResolvedState(desired with { Gates = gates.ToEquatableList() }, resolutions.ToEquatableList());
    }

    /// <inheritdoc />
    public async Task<EquatableList<RegistrationOutcome>> RegisterAsync(ResolvedState resolved, CancellationToken cancellationToken)
    {
        var outcomes = new List<RegistrationOutcome>();
        foreach (var gate in resolved.State.Gates.Where(g => NeedsApi(g) && g.Soracom!.Register))
        {
            var soracom = gate.Soracom!;
            var resolution = resolved.Resolutions.FirstOrDefault(r => r.Gate == gate.Name);
            // Only on a fresh answer that fits: from a cache, the API is failing, and a misfit gate is not applied.
            if (resolution is not { Origin: EndpointOrigin.Api, Problems.Count: 0 } || !_lastGood.TryGetValue(Key(soracom), out var answer))
            {
                continue;
            }

            var inner = gate.Address.Address;
            RegistrationOutcome Outcome(string result, string? error = null) => new(gate.Name, soracom.VpgId, gate.Local.ToString(), inner.ToString(), result, error);
            var listed = answer.Peers.FirstOrDefault(p => p.Outer.Equals(gate.Local));
            if (listed is { OwnedByCustomer: false })
            {
                outcomes.Add(Outcome("failed", $"{gate.Local} is one of the VPG's own endpoints, not a customer peer; check the gate's local address"));
            }
            else if (listed is null)
            {
                try
                {
                    await _source.RegisterAsync(soracom, resolved.State.Host.StateDirectory, gate.Local, inner, cancellationToken).ConfigureAwait(false);
                    // Known at once, so the next pass within the refresh interval does not register it again.
                    _lastGood[Key(soracom)] = answer with { Peers = [.. answer.Peers, new GatePeer(gate.Local, inner, true)] };
                    outcomes.Add(Outcome("registered"));
                }
                catch (SoracomApiException e)
                {
                    outcomes.Add(Outcome("failed", e.Message));
                }
            }
        }

        return outcomes.ToEquatableList();
    }

    /// <inheritdoc />
    public async Task<EquatableList<RegistrationOutcome>> UnregisterAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        var outcomes = new List<RegistrationOutcome>();
        foreach (var gate in desired.Gates.Where(g => g.Soracom is { Register: true }))
        {
            var soracom = gate.Soracom!;
            RegistrationOutcome Outcome(string result, string? error = null) => new(gate.Name, soracom.VpgId, gate.Local.ToString(), null, result, error);
            try
            {
                var answer = await _source.ReadAsync(soracom, desired.Host.StateDirectory, cancellationToken).ConfigureAwait(false);
                var listed = answer.Peers.Peers.FirstOrDefault(p => p.Outer.Equals(gate.Local) && p.OwnedByCustomer);
                var removed = listed is not null && await _source.UnregisterAsync(soracom, desired.Host.StateDirectory, gate.Local, cancellationToken).ConfigureAwait(false);
                _lastGood.TryRemove(Key(soracom), out _);
                outcomes.Add(Outcome(removed ? "unregistered" : "not-registered"));
            }
            catch (SoracomApiException e)
            {
                outcomes.Add(Outcome("failed", e.Message));
            }
        }

        return outcomes.ToEquatableList();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> CloseAsync(CancellationToken cancellationToken) => _source.CloseAsync(cancellationToken);

    // An absent gate is removed whatever its endpoints: no need to ask.
    private static bool NeedsApi(GateSpec gate) => gate.Soracom is not null && gate.State == GatePresence.Present;

    private static string Key(SoracomSource soracom) => $"{SoracomApiClient.VersionedBase(soracom.BaseUrl)}|{soracom.VpgId}";

    // The gate with what it leaves to the VPG filled in; null when that is needed and unknown (an old cache).
    private static GateSpec? TakeFromVpg(GateSpec gate, VirtualPrivateGateway? vpg)
    {
        var soracom = gate.Soracom!;
        if ((soracom.VniFromVpg && vpg?.Vni is null) || (soracom.DeviceSubnetFromVpg && vpg?.DeviceSubnet is null))
        {
            return null;
        }

        return gate with
        {
            Vni = soracom.VniFromVpg ? vpg!.Vni!.Value : gate.Vni,
            DeviceSubnet = soracom.DeviceSubnetFromVpg ? vpg!.DeviceSubnet!.Value : gate.DeviceSubnet,
        };
    }

    private async Task<(CachedPeers? Answer, EndpointResolution Resolution)> ResolveGateAsync(
        GateSpec gate, PeerCache cache, string stateDirectory, CancellationToken cancellationToken)
    {
        var soracom = gate.Soracom!;
        var key = Key(soracom);
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
            var read = await _source.ReadAsync(soracom, stateDirectory, cancellationToken).ConfigureAwait(false);
            var peers = read.Peers.Peers;
            if (read.Vpg.GateOpened != false && !GatePeerMapping.Endpoints(peers).Any())
            {
                // A VPG always has endpoints while its gate is open: an answer without any is not trusted with the flood list.
                throw new SoracomApiException(SoracomFailure.Malformed,
                    $"SORACOM API: the Gate peers of {soracom.VpgId} list no VPG endpoint (ownedByCustomer: false); is Gate open on this VPG?");
            }

            var answer = new CachedPeers(now, peers) { Vpg = read.Vpg };
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

            return (answer, Resolved(gate, soracom, EndpointOrigin.Api, answer, cacheError) with { Notes = read.Peers.Skipped.ToEquatableList() });
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
        error)
    {
        Registered = answer.Peers.Any(p => p.OwnedByCustomer && p.Outer.Equals(gate.Local)),
    };
}

/// <summary>Whether a gate fits its VPG: the same VNI, an address inside the device subnet, Gate open. Each problem says the fix.</summary>
internal static class VpgChecks
{
    /// <summary>What stops <paramref name="gate"/> from working with <paramref name="vpg"/> (nothing when the VPG's settings are unknown).</summary>
    public static IEnumerable<string> Problems(GateSpec gate, VirtualPrivateGateway? vpg)
    {
        if (vpg is null)
        {
            yield break;
        }

        if (vpg.GateOpened == false)
        {
            yield return $"Gate is closed on {vpg.VpgId} (gateOpened: false), so no traffic reaches a Gate Peer; open it (User Console: the VPG's "
                + $"Advanced settings, or 'soracom vpg open-gate --vpg-id {vpg.VpgId}'), then apply again";
        }

        if (vpg.Vni is { } vni && vni != gate.Vni)
        {
            yield return $"vni {gate.Vni} differs from the VPG's gateVxlanId {vni} ({vpg.VpgId}), so the VPG would drop this host's frames; "
                + $"set vni: {vni}, or leave vni out to take it from the VPG";
        }

        if (vpg.DeviceSubnet is { } subnet && !subnet.Contains(gate.Address.Address))
        {
            yield return $"address {gate.Address} is outside the VPG's device subnet {subnet} ({vpg.VpgId}), so devices cannot reach it; "
                + $"choose an address inside {subnet}, written with its prefix /{subnet.PrefixLength}";
        }
    }
}
