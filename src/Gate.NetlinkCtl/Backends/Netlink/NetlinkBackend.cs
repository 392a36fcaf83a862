using System.Net.NetworkInformation;
using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Backends.Netlink;

/// <summary>
/// The default backend: gatectl's own rtnetlink client, one socket in the target namespace. Consecutive flood-entry
/// changes go to the kernel as one pipelined batch, so thousands of endpoints cost one round of syscalls.
/// </summary>
/// <remarks>
/// Steps name devices; the kernel wants indexes. The indexes come from the last observation (and from the devices this
/// backend creates), so a step costs its own request and no RTM_GETLINK. A device replaced since (another index) is
/// looked up again by name when the kernel answers ENODEV for the index it had.
/// </remarks>
internal sealed class NetlinkBackend : IGateBackend, IFloodEntryWriter
{
    private readonly string? _netns;
    private readonly LinkIndexes _indexes = new();
    private RtnlClient? _client;

    /// <summary>Creates the backend for a named network namespace, or the current one when null; the socket opens on first use.</summary>
    public NetlinkBackend(string? netns = null) => _netns = netns;

    /// <inheritdoc />
    public string Name => "netlink";

    private RtnlClient Client => _client ??= Open();

    /// <inheritdoc />
    public Task<ObservedHost> ObserveAsync(ObserveRequest request, CancellationToken cancellationToken = default)
    {
        try
        {
            return Task.FromResult(Observe(request));
        }
        catch (NetlinkException error)
        {
            throw new BackendException(Name, null, 0, "observing the host failed: " + error.Message, error);
        }
    }

    /// <inheritdoc />
    public Task ExecuteAsync(IReadOnlyList<GateChange> changes, CancellationToken cancellationToken = default) =>
        ExecuteStepsAsync(GateChange.StepsOf(changes), cancellationToken);

    private Task ExecuteStepsAsync(IReadOnlyList<PlanStep> steps, CancellationToken cancellationToken)
    {
        var index = 0;
        while (index < steps.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var floods = steps.Skip(index).TakeWhile(s => s is AddFlood or RemoveFlood).Count();
            try
            {
                if (floods > 0)
                {
                    ExecuteFloods(steps, index, floods);
                    index += floods;
                }
                else
                {
                    Execute(steps[index]);
                    index++;
                }
            }
            catch (FloodBatchException failure)
            {
                throw new BackendException(Name, steps[failure.StepIndex], failure.StepIndex, failure.Error.Message, failure.Error);
            }
            catch (NetlinkException error)
            {
                throw new BackendException(Name, steps[index], index, error.Message, error);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public IFloodEntryWriter FloodEntries => this;

    /// <inheritdoc />
    public bool Append(int interfaceIndex, System.Net.IPAddress destination)
    {
        try
        {
            Client.FdbAppend(new FdbEntry(interfaceIndex, FdbEntry.AllZeroMac, destination));
            return true;
        }
        catch (NetlinkException error) when (error.IsAlreadyExists)
        {
            // Someone (a full reconcile, or a person) put it back first: already what is wanted.
            return false;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _client = null;
        return ValueTask.CompletedTask;
    }

    private RtnlClient Open()
    {
        try
        {
            return RtnlClient.Open(_netns);
        }
        catch (NetlinkException error)
        {
            throw new BackendException(Name, null, 0,
                $"cannot open rtnetlink{(_netns is null ? "" : $" in network namespace {_netns}")}: {error.Message}", error);
        }
    }

    private ObservedHost Observe(ObserveRequest request)
    {
        var links = Client.GetLinks();
        _indexes.Reset(links);
        var nameByIndex = links.ToDictionary(l => l.Index, l => l.Name);
        var devices = links.Select(l => ToDevice(l, nameByIndex)).ToList();
        var gateDevices = devices.Where(d => d.IsGatectls || request.Interfaces.Contains(d.Name)).ToList();
        var addresses = Client.GetAddresses().ToLookup(a => a.LinkIndex);
        var routes = Client.GetRoutes()
            .Where(r => r.OutputIndex is not null && r.Protocol != RouteProtocols.Kernel)
            .ToLookup(r => r.OutputIndex!.Value);
        var gates = gateDevices.Select(device => new ObservedGate(
            device,
            addresses[device.Index].Select(a => new ObservedAddress(new InterfaceAddress(a.Address, a.PrefixLength), a.Metric ?? 0)).ToEquatableList(),
            (device.IsVxlan ? Client.GetFdb(device.Index) : [])
                .Select(f => new ObservedFdbEntry(f.Mac.ToColonString(), f.Destination, (f.State & NeighbourState.Permanent) != 0))
                .ToEquatableList(),
            routes[device.Index].Select(r => new ObservedRoute(r.Destination, r.Gateway, r.Protocol)).ToEquatableList()));
        return ObservedHost.Create(
            gates,
            devices.Where(d => d.IsVxlan && !gateDevices.Contains(d)),
            devices.Where(d => request.Underlays.Contains(d.Name)).Select(d => new ObservedUnderlay(d.Name, d.Index, d.Mtu, d.Up)));
    }

    private static ObservedDevice ToDevice(Link link, Dictionary<int, string> nameByIndex)
    {
        var vxlan = link.Kind == Ownership.VxlanKind && link.Vxlan is { } v
            ? new ObservedVxlan(
                v.Vni,
                v.Local,
                v.UnderlayIndex is { } underlay && nameByIndex.TryGetValue(underlay, out var name) ? name : null,
                v.UnderlayIndex ?? 0,
                v.Port ?? 0,
                v.SourcePorts is { } ports ? PortRange.FromKernel(ports.Low, ports.High) : new PortRange(0, 0),
                v.Learning ?? false)
            : null;
        return new ObservedDevice(link.Name, link.Index, link.Kind ?? "", link.Alias, link.Mtu, link.IsUp, vxlan);
    }

    private void Execute(PlanStep step)
    {
        switch (step)
        {
            case CreateDevice create:
                Create(create.Gate, create.Interface, create.Device);
                break;
            case RecreateDevice recreate:
                WithIndex(recreate.Interface, Client.LinkDelete);
                _indexes.Forget(recreate.Interface);
                Create(recreate.Gate, recreate.Interface, recreate.Device);
                break;
            case DeleteDevice delete:
                DeleteLink(delete.Interface);
                break;
            case SetMtu mtu:
                WithIndex(mtu.Interface, index => Client.LinkSetMtu(index, mtu.Mtu));
                break;
            case SetUp { Up: true } up:
                WithIndex(up.Interface, Client.LinkSetUp);
                break;
            case SetUp down:
                WithIndex(down.Interface, Client.LinkSetDown);
                break;
            case AddAddress add:
                WithIndex(add.Interface, index => Client.AddressAdd(Address(index, add.Address) with { Metric = Ownership.AddressMetric }));
                break;
            case RemoveAddress remove:
                WithIndex(remove.Interface, index => Client.AddressDelete(Address(index, remove.Address)));
                break;
            case AddRoute add:
                WithIndex(add.Interface, index => Client.RouteAdd(Route(index, add.Destination, add.Gateway)));
                break;
            case RemoveRoute remove:
                WithIndex(remove.Interface, index => Client.RouteDelete(Route(index, remove.Destination, remove.Gateway)));
                break;
            case AdoptDevice adopt:
                Client.LinkSetAlias(AdoptedIndex(adopt), Ownership.AliasFor(adopt.Gate));
                break;
            case SetAddressMetric metric:
                // In place: the kernel adds the new prefix route before it deletes the old one (see SetAddressMetric).
                WithIndex(metric.Interface, index => Client.AddressReplace(Address(index, metric.Address) with { Metric = metric.Metric }));
                break;
            case ReleaseDevice release:
                WithIndex(release.Interface, index => Client.LinkSetAlias(index, release.Alias ?? string.Empty));
                break;
            default:
                throw new ArgumentException($"the netlink backend cannot execute {step.Action} ({step.Describe()})", nameof(step));
        }
    }

    private void ExecuteFloods(IReadOnlyList<PlanStep> steps, int start, int count)
    {
        var (batch, fromObservation) = FloodBatch(steps, start, count);
        var failures = Client.Execute(batch).Failures;
        if (fromObservation && failures.Any(f => f.Error.IsNoSuchDevice))
        {
            // A device was replaced since it was observed: every step again, with the indexes the names have now
            // (appends already made and deletes already done are tolerated below).
            foreach (var name in steps.Skip(start).Take(count).Select(s => s.Interface).Distinct())
            {
                _indexes.Forget(name);
            }

            (batch, _) = FloodBatch(steps, start, count);
            failures = Client.Execute(batch).Failures;
        }

        // An append that finds its destination, or a delete that finds none, already has what it wants.
        var failure = failures.FirstOrDefault(f =>
            !(steps[start + f.Index] is AddFlood && f.Error.IsAlreadyExists) && !(steps[start + f.Index] is RemoveFlood && f.Error.IsNotFound));
        if (failure is not null)
        {
            throw new FloodBatchException(start + failure.Index, failure.Error);
        }
    }

    // The batch, and whether any index in it came from the observation (rather than a lookup just now).
    private (RtnlBatch Batch, bool FromObservation) FloodBatch(IReadOnlyList<PlanStep> steps, int start, int count)
    {
        var batch = new RtnlBatch();
        var fromObservation = false;
        for (var i = start; i < start + count; i++)
        {
            var step = steps[i];
            var known = _indexes.Find(step.Interface);
            fromObservation |= known is not null;
            var link = known ?? LookUp(step.Interface);
            _ = step switch
            {
                AddFlood add => batch.FdbAppend(new FdbEntry(link, FdbEntry.AllZeroMac, add.Destination)),
                RemoveFlood remove => batch.FdbDelete(new FdbEntry(link, FdbEntry.AllZeroMac, remove.Destination)),
                _ => throw new ArgumentException($"not a flood step: {step.Describe()}", nameof(steps)),
            };
        }

        return (batch, fromObservation);
    }

    private void Create(string gate, string name, VxlanDeviceSpec device)
    {
        Link Add(int? underlay) => Client.VxlanAdd(new VxlanLinkSpec(name, device.Vni)
        {
            Local = device.Local,
            UnderlayIndex = underlay,
            Port = device.Port,
            SourcePorts = KernelPorts(device.SourcePorts),
            Learning = device.Learning,
            Mtu = device.Mtu,
            Alias = Ownership.AliasFor(gate),
            Up = false,
        });

        var link = device.Underlay is null ? Add(null) : WithIndex(device.Underlay, index => Add(index), _ => true);
        _indexes.Remember(name, link.Index);
    }

    private static VxlanPortRange KernelPorts(PortRange ports)
    {
        var (min, max) = ports.ToKernel();
        return new VxlanPortRange(min, max);
    }

    // Adoption was planned for one device: one recreated since (another ifindex) was never compared, so it is not taken.
    private int AdoptedIndex(AdoptDevice adopt)
    {
        var index = LookUp(adopt.Interface);
        return index == adopt.Index
            ? index
            : throw new NetlinkException($"device {adopt.Interface} was recreated since it was observed (ifindex {adopt.Index}, now {index}): run apply again to compare the new one");
    }

    // Already gone is what a delete wants; only when the observed index is gone is the name looked up (it may be a newer device).
    private void DeleteLink(string name)
    {
        if ((_indexes.Find(name) is not { } known || !Client.LinkDelete(known)) && Client.GetLink(name) is { } current)
        {
            Client.LinkDelete(current.Index);
        }

        _indexes.Forget(name);
    }

    private void WithIndex(string name, Action<int> change) => WithIndex(name, index =>
    {
        change(index);
        return true;
    }, _ => true);

    private void WithIndex(string name, Func<int, bool> delete) => WithIndex(name, delete, found => found);

    /// <summary>
    /// Runs <paramref name="change"/> with the device's index from the observation, or looked up when there is none. When
    /// the kernel says the observed index is gone (ENODEV, or a delete that found nothing on a device that no longer has
    /// that index), the device was replaced since: it runs once more with the index the name has now.
    /// </summary>
    private T WithIndex<T>(string name, Func<int, T> change, Func<T, bool> found)
    {
        if (_indexes.Find(name) is not { } known)
        {
            return change(LookUp(name));
        }

        try
        {
            var result = change(known);
            if (found(result) || Client.GetLink(known)?.Name == name)
            {
                return result;
            }
        }
        catch (NetlinkException error) when (error.IsNoSuchDevice)
        {
        }

        _indexes.Forget(name);
        return change(LookUp(name));
    }

    private int LookUp(string name)
    {
        var index = Client.GetLink(name)?.Index ?? throw new NetlinkException($"device {name} does not exist");
        _indexes.Remember(name, index);
        return index;
    }

    private static LinkAddress Address(int index, InterfaceAddress address) =>
        new(index, address.Address, (byte)address.PrefixLength);

    private static Ipv4Route Route(int index, System.Net.IPNetwork destination, System.Net.IPAddress? gateway) =>
        new(destination) { Gateway = gateway, OutputIndex = index, Protocol = Ownership.RouteProtocol };

    /// <summary>A refused request in a flood batch, with the plan step it came from.</summary>
    private sealed class FloodBatchException(int stepIndex, NetlinkException error) : Exception(error.Message, error)
    {
        public int StepIndex { get; } = stepIndex;

        public NetlinkException Error { get; } = error;
    }
}

/// <summary>Device indexes by name as last observed, and as this backend created or deleted devices since.</summary>
internal sealed class LinkIndexes
{
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);

    /// <summary>Starts again from a full dump of the namespace's devices.</summary>
    public void Reset(IEnumerable<Link> links)
    {
        _byName.Clear();
        foreach (var link in links)
        {
            _byName[link.Name] = link.Index;
        }
    }

    /// <summary>The index <paramref name="name"/> had, or null when it is not known.</summary>
    public int? Find(string name) => _byName.TryGetValue(name, out var index) ? index : null;

    /// <summary>Notes the index of a device made or looked up just now.</summary>
    public void Remember(string name, int index) => _byName[name] = index;

    /// <summary>Forgets a device that was deleted or replaced.</summary>
    public void Forget(string name) => _byName.Remove(name);
}
