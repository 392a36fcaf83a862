using Gate.NetlinkCtl.Backends.NetworkManager.Bus;
using Gate.NetlinkCtl.Backends.NetworkManager.Profiles;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Backends.NetworkManager;

/// <summary>
/// Makes gates as NetworkManager VXLAN profiles, so NetworkManager neither fights over the devices nor forgets
/// them at reboot. NetworkManager owns the device, its MTU and its address (the profile); gatectl programs what a
/// profile cannot express over rtnetlink, through the kernel backend it wraps: the flood entries towards every
/// endpoint and peer, and the extra routes with gatectl's protocol 147. Those vanish when NetworkManager recreates
/// the device; the next observation shows them missing and the next apply (or daemon pass) puts them back.
/// </summary>
/// <remarks>
/// Observation reports a profile gate in the same records as a kernel gate, so the planner needs no special case:
/// the profile's values stand for the device (a profile changed with nmcli is drift even before it is reapplied),
/// the device carries gatectl's alias mark because the profile does, and "up" means "active with this profile and
/// the kernel device matches it". Plan steps for one gate are folded into one profile write and at most one
/// activation. In <see cref="NetworkManagerMode.Auto"/> gates whose underlay NetworkManager does not manage are
/// passed to the kernel backend unchanged.
/// </remarks>
internal sealed partial class NetworkManagerBackend : IGateBackend, IBackendChoice
{
    /// <summary>How long activation and device removal may take before a step fails.</summary>
    public static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(20);

    private readonly Func<CancellationToken, Task<INetworkManager>> _connect;
    private readonly IGateBackend _kernel;
    private readonly NetworkManagerMode _mode;

    // The D-Bus connection only (opened once, on first use): nothing observed is kept between calls.
    private INetworkManager? _networkManager;
    private string? _unreachable;
    private bool _connected;

    /// <summary>Creates the backend; it connects to NetworkManager on first use.</summary>
    /// <param name="connect">Opens the D-Bus client (throws <see cref="NetworkManagerUnavailableException"/> when NetworkManager is not reachable).</param>
    /// <param name="kernel">The rtnetlink backend that observes the kernel and programs flood entries and routes.</param>
    /// <param name="mode">Whether every gate must be a profile, or only those on underlays NetworkManager manages.</param>
    public NetworkManagerBackend(Func<CancellationToken, Task<INetworkManager>> connect, IGateBackend kernel, NetworkManagerMode mode)
    {
        _connect = connect;
        _kernel = kernel;
        _mode = mode;
    }

    /// <summary>
    /// Creates the backend for the system bus (<c>DBUS_SYSTEM_BUS_ADDRESS</c> or the default) or <paramref name="busAddress"/>;
    /// a NetworkManager that runs in another network namespace than <paramref name="netns"/> counts as unreachable.
    /// </summary>
    public static NetworkManagerBackend ForBus(string? busAddress, string? netns, IGateBackend kernel, NetworkManagerMode mode) =>
        new(async ct =>
        {
            // auto only probes: a bus or NetworkManager that does not answer within 2 s means rtnetlink, said why.
            var client = await NetworkManagerClient.ConnectAsync(busAddress,
                mode == NetworkManagerMode.Auto ? NetworkManagerClient.ProbeTimeout : NetworkManagerClient.DefaultCallTimeout, ct).ConfigureAwait(false);
            try
            {
                var pid = await client.GetProcessIdAsync(ct).ConfigureAwait(false);
                if (await NetworkManagerNamespace.MismatchAsync(pid, netns, ct).ConfigureAwait(false) is { } mismatch)
                {
                    throw new NetworkManagerUnavailableException(client.BusAddress, mismatch);
                }

                client.CallTimeout = NetworkManagerClient.DefaultCallTimeout;
                return client;
            }
            catch
            {
                await client.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }, kernel, mode);

    /// <inheritdoc />
    /// <remarks>
    /// Fixed for the backend's life, whatever it observes: <c>networkmanager</c>, or <c>auto</c> when it decides per gate
    /// (results then report the name <see cref="ChooseAsync"/> gives: <c>networkmanager</c>, or the kernel backend's).
    /// </remarks>
    public string Name => _mode == NetworkManagerMode.Required ? "networkmanager" : "auto";

    /// <inheritdoc />
    public async Task<ObservedHost> ObserveAsync(ObserveRequest request, CancellationToken cancellationToken = default)
    {
        var nm = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var profiles = await ProfilesAsync(nm, cancellationToken).ConfigureAwait(false);
        var kernelRequest = request.Union(new ObserveRequest(
            profiles.Values.Select(p => p.Profile.Interface).ToEquatableList(),
            profiles.Values.Select(p => p.Profile.Underlay).OfType<string>().ToEquatableList()));
        var kernel = await _kernel.ObserveAsync(kernelRequest, cancellationToken).ConfigureAwait(false);
        var profileInterfaces = profiles.Values.Select(p => p.Profile.Interface).ToHashSet(StringComparer.Ordinal);

        var gates = kernel.Gates.Where(g => !profileInterfaces.Contains(g.Interface)).ToList();
        foreach (var owned in profiles.Values)
        {
            gates.Add(await Call(() => ProfileObservation.ObserveAsync(nm!, owned.Path, owned.Profile, kernel, cancellationToken)).ConfigureAwait(false));
        }

        return ObservedHost.Create(
            gates,
            kernel.OtherVxlans.Where(d => !profileInterfaces.Contains(d.Name)),
            kernel.Underlays);
    }

    /// <inheritdoc />
    /// <remarks>A gate that is a profile gets one profile write and one activation for its change; its flood entries and
    /// routes, and gates that are no profile, go to the kernel backend.</remarks>
    public async Task ExecuteAsync(IReadOnlyList<GateChange> changes, CancellationToken cancellationToken = default)
    {
        var steps = GateChange.StepsOf(changes);
        var nm = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var pending = new Dictionary<string, PendingProfile>(StringComparer.Ordinal);
        var index = 0;
        try
        {
            // What NetworkManager stores now, not what an earlier observation saw; this call's own writes update it.
            var profiles = await ProfilesAsync(nm, cancellationToken).ConfigureAwait(false);
            var gateIsProfile = profiles.Keys.ToDictionary(g => g, _ => true, StringComparer.Ordinal);
            for (; index < steps.Count; index++)
            {
                var step = steps[index];
                if (!await IsProfileGateAsync(nm, step, gateIsProfile, cancellationToken).ConfigureAwait(false))
                {
                    await RunOnKernelAsync(step, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                switch (step)
                {
                    case DeleteDevice:
                        pending.Remove(step.Gate);
                        await DeleteProfileAsync(nm!, profiles, step.Gate, step.Interface, cancellationToken).ConfigureAwait(false);
                        break;
                    case CreateDevice create:
                        pending[step.Gate] = PendingProfile.New(step, FromDevice(step.Gate, step.Interface, create.Device, EquatableList<InterfaceAddress>.Empty));
                        break;
                    case RecreateDevice recreate:
                        pending[step.Gate] = Pending(pending, profiles, step) with
                        {
                            Profile = FromDevice(step.Gate, step.Interface, recreate.Device, Pending(pending, profiles, step).Profile.Addresses),
                            NewDevice = true,
                            Activate = true,
                            LastStep = step,
                        };
                        break;
                    case SetMtu mtu:
                        pending[step.Gate] = Change(pending, profiles, step, p => p with { Mtu = mtu.Mtu });
                        break;
                    case AddAddress add:
                        pending[step.Gate] = Change(pending, profiles, step, p => p with { Addresses = p.Addresses.Where(a => a != add.Address).Append(add.Address).ToEquatableList() });
                        break;
                    case RemoveAddress remove:
                        pending[step.Gate] = Change(pending, profiles, step, p => p with { Addresses = p.Addresses.Where(a => a != remove.Address).ToEquatableList() });
                        break;
                    case SetUp up:
                        pending[step.Gate] = Change(pending, profiles, step, p => p) with { Activate = up.Up, Deactivate = !up.Up };
                        break;
                    default:
                        // Flood entries and routes: the device must exist as the profile says before rtnetlink adds to it.
                        await FlushAsync(nm!, pending, profiles, step.Gate, cancellationToken).ConfigureAwait(false);
                        await RunOnKernelAsync(step, cancellationToken).ConfigureAwait(false);
                        break;
                }
            }

            foreach (var gate in pending.Keys.ToList())
            {
                await FlushAsync(nm!, pending, profiles, gate, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (FlushException failure)
        {
            var failed = steps.Select((s, i) => (s, i)).First(x => ReferenceEquals(x.s, failure.Step));
            throw new BackendException("networkmanager", failure.Step, failed.i, failure.Message, failure.InnerException);
        }
        catch (BackendException failure)
        {
            // Re-reported against this batch's step numbering, with the kernel's (or NetworkManager's) own words.
            throw new BackendException("networkmanager", StepAt(index), index, failure.InnerException?.Message ?? failure.Message, failure);
        }
        catch (Exception failure) when (failure is NetworkManagerException or TimeoutException)
        {
            throw new BackendException("networkmanager", StepAt(index), index, failure.Message, failure);
        }

        // Past the last step only while the last gate's folded profile is written.
        PlanStep StepAt(int i) => steps[Math.Min(i, steps.Count - 1)];
    }

    /// <inheritdoc />
    /// <remarks>Flood entries are the kernel backend's in every mode (a profile cannot express them): its writer, if it has one.</remarks>
    public IFloodEntryWriter? FloodEntries => _kernel.FloodEntries;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_networkManager is not null)
        {
            await _networkManager.DisposeAsync().ConfigureAwait(false);
        }

        await _kernel.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<INetworkManager?> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connected)
        {
            return _networkManager;
        }

        try
        {
            _networkManager = await _connect(cancellationToken).ConfigureAwait(false);
        }
        catch (NetworkManagerUnavailableException unavailable)
        {
            if (_mode == NetworkManagerMode.Required)
            {
                throw new BackendException("networkmanager", null, 0, unavailable.Message, unavailable);
            }

            _unreachable = unavailable.Reason + $" (bus {unavailable.BusAddress})";
        }

        _connected = true;
        return _networkManager;
    }

    /// <inheritdoc />
    public async Task<BackendChoice> ChooseAsync(ObserveRequest request, CancellationToken cancellationToken = default)
    {
        var nm = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        if (nm is null)
        {
            return new BackendChoice(_kernel.Name, [$"netlink for every gate: NetworkManager is not reachable: {_unreachable}"]);
        }

        var version = await Call(() => nm.GetVersionAsync(cancellationToken)).ConfigureAwait(false);
        if (_mode == NetworkManagerMode.Required)
        {
            return new BackendChoice("networkmanager", [$"networkmanager for every new gate: backend networkmanager was asked for (NetworkManager {version} on {nm.BusAddress})"]);
        }

        var profiles = await ProfilesAsync(nm, cancellationToken).ConfigureAwait(false);
        var reasons = new List<string>();
        var usesNetworkManager = profiles.Values.Any(p => request.Interfaces.Contains(p.Profile.Interface));
        foreach (var underlay in request.Underlays)
        {
            var (managed, why) = await DescribeUnderlayAsync(nm, underlay, cancellationToken).ConfigureAwait(false);
            usesNetworkManager |= managed;
            reasons.Add(managed
                ? $"networkmanager for new gates on {underlay}: NetworkManager {version} manages {underlay} ({why})"
                : $"netlink for new gates on {underlay}: NetworkManager {version} runs but does not manage {underlay} ({why})");
        }

        foreach (var gate in profiles.Where(p => request.Interfaces.Contains(p.Value.Profile.Interface)).Select(p => p.Key).Order(StringComparer.Ordinal))
        {
            reasons.Add($"networkmanager for gate {gate}: it already is NetworkManager profile {ProfileIdentity.IdFor(gate)}");
        }

        return new BackendChoice(usesNetworkManager ? "networkmanager" : _kernel.Name, reasons);
    }

    /// <summary>gatectl's profiles as NetworkManager stores them now, by gate (none without NetworkManager).</summary>
    private static async Task<Dictionary<string, OwnedProfile>> ProfilesAsync(INetworkManager? nm, CancellationToken cancellationToken)
    {
        var profiles = new Dictionary<string, OwnedProfile>(StringComparer.Ordinal);
        if (nm is not null)
        {
            foreach (var stored in await Call(() => nm.ListProfilesAsync(cancellationToken)).ConfigureAwait(false))
            {
                if (ProfileSettings.FromSettings(stored.Settings) is { } profile)
                {
                    profiles[profile.Gate] = new OwnedProfile(stored.Path, profile);
                }
            }
        }

        return profiles;
    }

    /// <summary>Whether NetworkManager manages <paramref name="underlay"/>, and what it says about the device.</summary>
    private static async Task<(bool Managed, string Why)> DescribeUnderlayAsync(INetworkManager nm, string underlay, CancellationToken cancellationToken)
    {
        var device = await Call(() => nm.FindDeviceAsync(underlay, cancellationToken)).ConfigureAwait(false);
        if (device is null)
        {
            return (false, "it knows no such device");
        }

        var state = device.State.ToString().ToLowerInvariant();
        return device.Managed && device.State != NmDeviceState.Unmanaged
            ? (true, $"device state {state}")
            : (false, $"device state {state}");
    }

    // gateIsProfile: this call's decisions so far (every gate with a stored profile is one).
    private async Task<bool> IsProfileGateAsync(INetworkManager? nm, PlanStep step, Dictionary<string, bool> gateIsProfile, CancellationToken cancellationToken)
    {
        if (gateIsProfile.TryGetValue(step.Gate, out var known))
        {
            return known;
        }

        bool isProfile;
        if (step is not CreateDevice create)
        {
            // An existing gate without a profile was made over rtnetlink: it stays that way.
            isProfile = false;
        }
        else if (_mode == NetworkManagerMode.Required)
        {
            isProfile = true;
        }
        else
        {
            isProfile = nm is not null
                && create.Device.Underlay is { } underlay
                && (await DescribeUnderlayAsync(nm, underlay, cancellationToken).ConfigureAwait(false)).Managed;
        }

        gateIsProfile[step.Gate] = isProfile;
        return isProfile;
    }

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (NetworkManagerException error)
        {
            throw new BackendException("networkmanager", null, 0, error.Message, error);
        }
    }

    /// <summary>A gatectl profile as stored: its object path and its values.</summary>
    private sealed record OwnedProfile(string Path, VxlanProfile Profile);
}
