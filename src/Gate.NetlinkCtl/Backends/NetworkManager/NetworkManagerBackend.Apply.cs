using Gate.NetlinkCtl.Backends.NetworkManager.Bus;
using Gate.NetlinkCtl.Backends.NetworkManager.Profiles;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Backends.NetworkManager;

/// <summary>Executing plan steps: one gate's profile steps folded into one write and one activation.</summary>
internal sealed partial class NetworkManagerBackend
{
    private async Task RunOnKernelAsync(PlanStep step, CancellationToken cancellationToken) =>
        await _kernel.ExecuteAsync(GateChange.Group([step]), cancellationToken).ConfigureAwait(false);

    private static PendingProfile Pending(Dictionary<string, PendingProfile> pending, Dictionary<string, OwnedProfile> profiles, PlanStep step) =>
        pending.TryGetValue(step.Gate, out var current)
            ? current
            : profiles.TryGetValue(step.Gate, out var owned)
                ? new PendingProfile(owned.Profile, owned.Path, NewDevice: false, Activate: false, Deactivate: false, step)
                : throw new FlushException(step, $"gate {step.Gate} has no NetworkManager profile {ProfileIdentity.IdFor(step.Gate)} to change", null);

    private static PendingProfile Change(
        Dictionary<string, PendingProfile> pending, Dictionary<string, OwnedProfile> profiles, PlanStep step, Func<VxlanProfile, VxlanProfile> change)
    {
        var current = Pending(pending, profiles, step);
        return current with { Profile = change(current.Profile), Activate = true, Deactivate = false, LastStep = step };
    }

    private static VxlanProfile FromDevice(string gate, string iface, VxlanDeviceSpec device, EquatableList<InterfaceAddress> addresses) => new(
        gate, iface, device.Vni, device.Local, device.Underlay, device.Port, device.SourcePorts, device.Learning, device.Mtu,
        addresses, Ownership.AddressMetric, Autoconnect: true);

    /// <summary>Writes one gate's folded profile changes, then activates (or deactivates) it once and waits for the device.</summary>
    private async Task FlushAsync(
        INetworkManager nm, Dictionary<string, PendingProfile> pending, Dictionary<string, OwnedProfile> profiles, string gate, CancellationToken cancellationToken)
    {
        if (!pending.Remove(gate, out var change))
        {
            return;
        }

        // gatectl's fixed settings are rewritten on every change, so drift in them is repaired too.
        var profile = change.Profile with { RouteMetric = Ownership.AddressMetric, Autoconnect = true };
        try
        {
            var settings = ProfileSettings.ToSettings(profile);
            var path = change.Path;
            if (path is null)
            {
                path = await nm.AddProfileAsync(settings, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (change.NewDevice)
                {
                    await DeactivateDeviceAsync(nm, profile.Interface, cancellationToken).ConfigureAwait(false);
                }

                await nm.UpdateProfileAsync(path, settings, cancellationToken).ConfigureAwait(false);
            }

            profiles[gate] = new OwnedProfile(path, profile);
            if (change.Deactivate)
            {
                await DeactivateDeviceAsync(nm, profile.Interface, cancellationToken).ConfigureAwait(false);
            }
            else if (change.Activate || change.NewDevice || change.Path is null)
            {
                // Reactivating an existing device makes NetworkManager drop routes it does not know, so gatectl's
                // routes and flood entries on it are noted first and put back after (the plan counts on them).
                var kept = change.NewDevice ? null : await KernelGateAsync(profile.Interface, cancellationToken).ConfigureAwait(false);
                await ActivateAsync(nm, path, profile, cancellationToken).ConfigureAwait(false);
                if (kept is not null)
                {
                    await RestoreOwnedAsync(gate, kept, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (NetworkManagerException error)
        {
            throw new FlushException(change.LastStep, $"{ProfileSettings.Describe(profile)}: {error.Message}", error);
        }
        catch (TimeoutException error)
        {
            throw new FlushException(change.LastStep, $"{ProfileSettings.Describe(profile)}: {error.Message}", error);
        }
    }

    private async Task ActivateAsync(INetworkManager nm, string path, VxlanProfile profile, CancellationToken cancellationToken)
    {
        var activePath = await nm.ActivateAsync(path, cancellationToken).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + SettleTimeout;
        while (true)
        {
            var active = await nm.GetActiveConnectionAsync(activePath, cancellationToken).ConfigureAwait(false);
            if (active?.State == NmActiveConnectionState.Activated && await KernelHasAsync(profile.Interface, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (active is null or { State: NmActiveConnectionState.Deactivated })
            {
                var device = await nm.FindDeviceAsync(profile.Interface, cancellationToken).ConfigureAwait(false);
                throw new NetworkManagerException(
                    $"NetworkManager did not activate {profile.Id} on {profile.Interface} (device state {device?.State.ToString().ToLowerInvariant() ?? "absent"}): " +
                    "check that the underlay exists and is up, and NetworkManager's log (journalctl -u NetworkManager)");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{profile.Id} was not activated within {SettleTimeout.TotalSeconds:0} s (state {active.State.ToString().ToLowerInvariant()})");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeactivateDeviceAsync(INetworkManager nm, string iface, CancellationToken cancellationToken)
    {
        var device = await nm.FindDeviceAsync(iface, cancellationToken).ConfigureAwait(false);
        if (device?.ActiveConnection is { } active)
        {
            await nm.DeactivateAsync(active, cancellationToken).ConfigureAwait(false);
        }

        await WaitUntilGoneAsync(iface, cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteProfileAsync(INetworkManager nm, Dictionary<string, OwnedProfile> profiles, string gate, string iface, CancellationToken cancellationToken)
    {
        if (profiles.Remove(gate, out var owned))
        {
            // NetworkManager deactivates the profile and removes the device it made for it.
            await Call(async () =>
            {
                await nm.DeleteProfileAsync(owned.Path, cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }

        await WaitUntilGoneAsync(iface, cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitUntilGoneAsync(string iface, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + SettleTimeout;
        while (await KernelHasAsync(iface, cancellationToken).ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{iface} was still there {SettleTimeout.TotalSeconds:0} s after NetworkManager deactivated it");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ObservedGate?> KernelGateAsync(string iface, CancellationToken cancellationToken) =>
        (await _kernel.ObserveAsync(new ObserveRequest(new[] { iface }.ToEquatableList(), EquatableList<string>.Empty), cancellationToken)
            .ConfigureAwait(false)).Find(iface);

    /// <summary>Adds back gatectl's flood entries and routes that <paramref name="before"/> had and the device lost.</summary>
    private async Task RestoreOwnedAsync(string gate, ObservedGate before, CancellationToken cancellationToken)
    {
        var after = await KernelGateAsync(before.Interface, cancellationToken).ConfigureAwait(false);
        var floods = after?.Fdb.Where(f => f.IsOwnedFlood).Select(f => f.Destination).ToHashSet() ?? [];
        var routes = after?.Routes.Where(r => r.IsOwned).ToHashSet() ?? [];
        var lost = before.Fdb.Where(f => f.IsOwnedFlood && !floods.Contains(f.Destination))
            .Select(f => (PlanStep)new AddFlood(gate, before.Interface, f.Destination!))
            .Concat(before.Routes.Where(r => r.IsOwned && r.Gateway is not null && !routes.Contains(r))
                .Select(r => new AddRoute(gate, before.Interface, r.Destination, r.Gateway!)))
            .ToList();
        if (lost.Count > 0)
        {
            await _kernel.ExecuteAsync(GateChange.Group(lost), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> KernelHasAsync(string iface, CancellationToken cancellationToken)
    {
        var host = await _kernel.ObserveAsync(new ObserveRequest(new[] { iface }.ToEquatableList(), EquatableList<string>.Empty), cancellationToken)
            .ConfigureAwait(false);
        return host.Find(iface) is not null || host.OtherVxlans.Any(d => d.Name == iface);
    }


    /// <summary>One gate's profile changes folded from its plan steps, not yet written.</summary>
    private sealed record PendingProfile(VxlanProfile Profile, string? Path, bool NewDevice, bool Activate, bool Deactivate, PlanStep LastStep)
    {
        public static PendingProfile New(PlanStep step, VxlanProfile profile) => new(profile, null, NewDevice: true, Activate: true, Deactivate: false, step);
    }

    /// <summary>Writing or activating a folded profile failed; carries the step it is reported against.</summary>
    private sealed class FlushException(PlanStep step, string message, Exception? inner) : Exception(message, inner)
    {
        public PlanStep Step { get; } = step;
    }
}
