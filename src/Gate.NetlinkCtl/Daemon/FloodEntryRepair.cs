using System.Net;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Daemon;

/// <summary>
/// The daemon's fast path for the most common drift: one of gatectl's own flood entries deleted. The kernel's
/// RTM_DELNEIGH names the device and the destination, so when the state in force wants that destination on that
/// gate the entry is appended again at once (one rtnetlink request) instead of waiting for a full observe, plan and
/// apply of every entry. The debounced full reconcile still follows and finds nothing to do.
/// </summary>
/// <param name="Gate">The gate whose entry it is.</param>
/// <param name="Interface">The gate's device.</param>
/// <param name="InterfaceIndex">The device's index, as the event named it.</param>
/// <param name="Destination">The remote endpoint the entry points to.</param>
internal sealed record FloodEntryRepair(string Gate, string Interface, int InterfaceIndex, IPAddress Destination)
{
    /// <summary>The repair's kind in the status and the metrics: the plan step it stands for.</summary>
    public const string Kind = "add-flood";

    /// <summary>What is changed, in the plan's words (<c>add flood entry 00:00:00:00:00:00 dst X to vxlan0</c>).</summary>
    public string Describe() => $"add flood entry {Ownership.FloodMac} dst {Destination} to {Interface}";

    /// <summary>The repair as the status and the metrics count it.</summary>
    public DriftRepair ToDriftRepair() => new(Gate, Kind, Describe());

    /// <summary>
    /// The repair <paramref name="change"/> calls for, or null: only an all-zero-MAC, permanent, NTF_SELF entry removed
    /// from a device that <paramref name="scope"/> knows as a gate's own, towards a destination that gate wants.
    /// </summary>
    public static FloodEntryRepair? Decide(KernelChange change, FloodRepairScope? scope)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (scope is null
            || change.Kind != KernelChangeKind.Neighbour
            || !change.Removed
            || change.Fdb is not { Permanent: true, Self: true, Destination: { } destination } fdb
            || !Ownership.IsFloodMac(fdb.Mac)
            || !scope.TryGetDevice(change.InterfaceIndex, out var device)
            || !device.Destinations.Contains(destination))
        {
            return null;
        }

        return new FloodEntryRepair(device.Gate, device.Interface, change.InterfaceIndex, destination);
    }
}

/// <summary>
/// What the fast path may repair: per device index, the gate whose own device it is and the flood destinations the
/// state in force wants there. Built from the state a reconcile enforced and the devices it observed, so it never
/// names a foreign device (no <c>gatectl:&lt;gate&gt;</c> alias), an absent or held gate, or an unwanted destination.
/// Immutable.
/// </summary>
internal sealed class FloodRepairScope
{
    private readonly Dictionary<int, GateFloods> _devices;

    private FloodRepairScope(Dictionary<int, GateFloods> devices) => _devices = devices;

    /// <summary>How many devices the fast path may write to.</summary>
    public int Count => _devices.Count;

    /// <summary>
    /// The scope of a reconcile's plan over <paramref name="devices"/> as that reconcile last observed them: each gate
    /// the plan wants present (a held gate or one in conflict has no change, an absent one no desired device), whose
    /// device is a VXLAN device carrying that gate's ownership mark, with the flood entries its objects desire.
    /// </summary>
    public static FloodRepairScope Create(IEnumerable<GateChange> changes, IEnumerable<ObservedDevice> devices)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var byName = devices.Where(d => d.IsVxlan && d.IsGatectls).GroupBy(d => d.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var scope = new Dictionary<int, GateFloods>();
        foreach (var change in changes)
        {
            if (change.Objects is not { DesiredDevice: not null } objects
                || !byName.TryGetValue(change.Interface, out var device) || device.OwnerGate != change.Gate)
            {
                continue;
            }

            scope[device.Index] = new GateFloods(change.Gate, change.Interface, objects.Floods.Desired.Select(f => f.Destination).ToHashSet());
        }

        return new FloodRepairScope(scope);
    }

    /// <summary>The gate and wanted destinations of the device with index <paramref name="index"/>, if it is in scope.</summary>
    public bool TryGetDevice(int index, out GateFloods device) => _devices.TryGetValue(index, out device!);

    /// <summary>
    /// The scope after a link event: a device deleted, or whose alias no longer marks it as its gate's, leaves it.
    /// Returns this instance when nothing changes.
    /// </summary>
    public FloodRepairScope After(KernelChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Kind != KernelChangeKind.Link || !_devices.TryGetValue(change.InterfaceIndex, out var device)
            || (!change.Removed && Ownership.GateOfAlias(change.Alias) == device.Gate))
        {
            return this;
        }

        var left = new Dictionary<int, GateFloods>(_devices);
        left.Remove(change.InterfaceIndex);
        return new FloodRepairScope(left);
    }
}

/// <summary>One gate's device in a <see cref="FloodRepairScope"/>.</summary>
/// <param name="Gate">The gate's name.</param>
/// <param name="Interface">Its device.</param>
/// <param name="Destinations">Every destination the state in force wants a flood entry towards.</param>
internal sealed record GateFloods(string Gate, string Interface, IReadOnlySet<IPAddress> Destinations);
