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
internal sealed class NetlinkBackend : IGateBackend
{
    private readonly string? _netns;
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
    public Task ExecuteAsync(IReadOnlyList<PlanStep> steps, CancellationToken cancellationToken = default)
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
                Client.LinkDelete(IndexOf(recreate.Interface));
                Create(recreate.Gate, recreate.Interface, recreate.Device);
                break;
            case DeleteDevice delete:
                // Already gone is what a delete wants.
                if (Client.GetLink(delete.Interface) is { } link)
                {
                    Client.LinkDelete(link.Index);
                }

                break;
            case SetMtu mtu:
                Client.LinkSetMtu(IndexOf(mtu.Interface), mtu.Mtu);
                break;
            case SetUp { Up: true } up:
                Client.LinkSetUp(IndexOf(up.Interface));
                break;
            case SetUp down:
                Client.LinkSetDown(IndexOf(down.Interface));
                break;
            case AddAddress add:
                Client.AddressAdd(Address(add.Interface, add.Address) with { Metric = Ownership.AddressMetric });
                break;
            case RemoveAddress remove:
                Client.AddressDelete(Address(remove.Interface, remove.Address));
                break;
            case AddRoute add:
                Client.RouteAdd(Route(add.Interface, add.Destination, add.Gateway));
                break;
            case RemoveRoute remove:
                Client.RouteDelete(Route(remove.Interface, remove.Destination, remove.Gateway));
                break;
            case AdoptDevice adopt:
                Client.LinkSetAlias(AdoptedIndex(adopt), Ownership.AliasFor(adopt.Gate));
                break;
            case SetAddressMetric metric:
                // In place: the kernel adds the new prefix route before it deletes the old one (see SetAddressMetric).
                Client.AddressReplace(Address(metric.Interface, metric.Address) with { Metric = metric.Metric });
                break;
            case ReleaseDevice release:
                Client.LinkSetAlias(IndexOf(release.Interface), release.Alias ?? string.Empty);
                break;
            default:
                throw new ArgumentException($"the netlink backend cannot execute {step.Action} ({step.Describe()})", nameof(step));
        }
    }

    private void ExecuteFloods(IReadOnlyList<PlanStep> steps, int start, int count)
    {
        var batch = new RtnlBatch();
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = start; i < start + count; i++)
        {
            var step = steps[i];
            if (!indexes.TryGetValue(step.Interface, out var link))
            {
                link = indexes[step.Interface] = IndexOf(step.Interface);
            }

            _ = step switch
            {
                AddFlood add => batch.FdbAppend(new FdbEntry(link, FdbEntry.AllZeroMac, add.Destination)),
                RemoveFlood remove => batch.FdbDelete(new FdbEntry(link, FdbEntry.AllZeroMac, remove.Destination)),
                _ => throw new ArgumentException($"not a flood step: {step.Describe()}", nameof(steps)),
            };
        }

        // An append that finds its destination, or a delete that finds none, already has what it wants.
        var failure = Client.Execute(batch).Failures.FirstOrDefault(f =>
            !(steps[start + f.Index] is AddFlood && f.Error.IsAlreadyExists) && !(steps[start + f.Index] is RemoveFlood && f.Error.IsNotFound));
        if (failure is not null)
        {
            throw new FloodBatchException(start + failure.Index, failure.Error);
        }
    }

    private void Create(string gate, string name, VxlanDeviceSpec device) =>
        Client.VxlanAdd(new VxlanLinkSpec(name, device.Vni)
        {
            Local = device.Local,
            UnderlayIndex = device.Underlay is null ? null : IndexOf(device.Underlay),
            Port = device.Port,
            SourcePorts = KernelPorts(device.SourcePorts),
            Learning = device.Learning,
            Mtu = device.Mtu,
            Alias = Ownership.AliasFor(gate),
            Up = false,
        });

    private static VxlanPortRange KernelPorts(PortRange ports)
    {
        var (min, max) = ports.ToKernel();
        return new VxlanPortRange(min, max);
    }

    // Adoption was planned for one device: one recreated since (another ifindex) was never compared, so it is not taken.
    private int AdoptedIndex(AdoptDevice adopt)
    {
        var index = IndexOf(adopt.Interface);
        return index == adopt.Index
            ? index
            : throw new NetlinkException($"device {adopt.Interface} was recreated since it was observed (ifindex {adopt.Index}, now {index}): run apply again to compare the new one");
    }

    private int IndexOf(string name) =>
        Client.GetLink(name)?.Index ?? throw new NetlinkException($"device {name} does not exist");

    private LinkAddress Address(string name, InterfaceAddress address) =>
        new(IndexOf(name), address.Address, (byte)address.PrefixLength);

    private Ipv4Route Route(string name, System.Net.IPNetwork destination, System.Net.IPAddress? gateway) =>
        new(destination) { Gateway = gateway, OutputIndex = IndexOf(name), Protocol = Ownership.RouteProtocol };

    /// <summary>A refused request in a flood batch, with the plan step it came from.</summary>
    private sealed class FloodBatchException(int stepIndex, NetlinkException error) : Exception(error.Message, error)
    {
        public int StepIndex { get; } = stepIndex;

        public NetlinkException Error { get; } = error;
    }
}
