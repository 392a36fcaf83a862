using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Guard;
using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Routing;

/// <summary>
/// Joins the gates' <c>routing</c> blocks to the pipeline: IPv4 forwarding on each routed gate's device and underlay
/// (per device over rtnetlink, CAP_NET_ADMIN only; the value found first is remembered in <see cref="ForwardingMemory"/>
/// and put back when no routed gate needs the device any more), and gatectl's table <see cref="RoutingTable"/>
/// (forward filter, masquerade) in one nf_tables transaction. The filter goes in before forwarding is turned on and
/// comes out after it is turned off, so forwarding never runs unfiltered. Register it with
/// <c>new GateReconciler(extensions: [new GuardExtension(), new RoutingExtension()])</c>.
/// </summary>
internal sealed class RoutingExtension : IReconcileExtension
{
    /// <summary>The extension's name, which its steps carry.</summary>
    public const string ExtensionName = "routing";

    /// <inheritdoc />
    public string Name => ExtensionName;

    /// <inheritdoc />
    public Task<IReadOnlyList<ExtensionStep>> PlanAsync(ExtensionContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var desired = context.Desired;
        var netns = context.Reconcile.Netns;
        var memory = Memory(context);
        var wanted = WantedDevices(desired);
        var remembered = memory.Read();
        var wantedTable = RoutingTable.For(desired);
        if (wanted.Count == 0 && remembered.Count == 0 && wantedTable is null && !TableMayExist(netns))
        {
            return Task.FromResult<IReadOnlyList<ExtensionStep>>([]);
        }

        Dictionary<string, Link> links;
        try
        {
            using var client = RtnlClient.Open(netns);
            links = client.GetLinks().ToDictionary(l => l.Name, StringComparer.Ordinal);
        }
        catch (NetlinkException e)
        {
            throw new BackendException(ExtensionName, null, 0, $"cannot read the devices' IPv4 forwarding: {e.Message}", e);
        }

        // The gate's own device may not exist yet (the gates' steps create it); an underlay or egress must.
        var gateDevices = desired.Gates.Select(g => g.Interface).ToHashSet(StringComparer.Ordinal);
        if (wanted.FirstOrDefault(w => !gateDevices.Contains(w.Device) && !links.ContainsKey(w.Device)) is { Device: not null } missing)
        {
            var role = desired.Gates.First(g => g.Name == missing.Gate).Gateway?.Egress == missing.Device ? "gateway.egress" : "underlay";
            throw new BackendException(ExtensionName, null, 0,
                $"gate {missing.Gate}: {role} '{missing.Device}' does not exist on this host, so it cannot forward; create it or correct the name");
        }

        var observedTable = ReadTable(netns, wantedTable is null);
        var drift = GuardDrift.Compare(wantedTable, observedTable);
        var enable = wanted
            .Where(w => !links.TryGetValue(w.Device, out var link) || link.Ipv4Conf?.Forwarding != 1)
            .Select(w => (ExtensionStep)new EnableForwarding(w.Gate, w.Device));
        var restore = remembered
            .Where(r => !wanted.Any(w => w.Device == r.Key))
            .Select(r => (ExtensionStep)new RestoreForwarding(r.Key, links.ContainsKey(r.Key) ? r.Value : null));
        var steps = new List<ExtensionStep>();
        if (wantedTable is not null)
        {
            if (!drift.InSync)
            {
                steps.Add(new ProgramRouting(drift, wantedTable, observedTable));
            }

            steps.AddRange(restore);
            steps.AddRange(enable);
        }
        else
        {
            steps.AddRange(restore);
            if (observedTable is not null)
            {
                steps.Add(new RemoveRouting(observedTable));
            }
        }

        return Task.FromResult<IReadOnlyList<ExtensionStep>>(steps);
    }

    /// <inheritdoc />
    public Task ExecuteAsync(ExtensionStep change, ExtensionContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var netns = context.Reconcile.Netns;
        try
        {
            switch (change)
            {
                case EnableForwarding enable:
                    Enable(enable.Interface, netns, Memory(context));
                    break;
                case RestoreForwarding restore:
                    Restore(restore.Interface, netns, Memory(context));
                    break;
                case ProgramRouting program:
                    Commit(netns, new NfTransaction().ReplaceTable(program.Wanted));
                    break;
                case RemoveRouting:
                    Commit(netns, new NfTransaction().AddTable(RoutingTable.Name).DeleteTable(RoutingTable.Name));
                    break;
                case RestoreRouting { Previous: { } previous }:
                    Commit(netns, new NfTransaction().ReplaceTable(previous));
                    break;
                case RestoreRouting:
                    Commit(netns, new NfTransaction().AddTable(RoutingTable.Name).DeleteTable(RoutingTable.Name));
                    break;
                default:
                    throw new InvalidOperationException($"routing cannot execute '{change.Describe()}'");
            }
        }
        catch (NetlinkException e)
        {
            var hint = e.ErrnoName is "EPERM" or "EACCES"
                ? "; gatectl needs CAP_NET_ADMIN in that network namespace (run it as root or give the service CAP_NET_ADMIN)"
                : "";
            throw new BackendException(ExtensionName, change, 0, e.Message + hint, e);
        }
        catch (IOException e)
        {
            throw new BackendException(ExtensionName, change, 0,
                $"cannot keep the devices' previous forwarding values in {Memory(context).FilePath}: {e.Message}; check host.stateDirectory is writable", e);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The devices that must forward, with the first gate naming each: a routed gate's device and underlay (requests
    /// arrive on the underlay, answers on the gate), a gateway's device and egress (the devices' traffic arrives on
    /// the gate, answers on the egress).
    /// </summary>
    public static IReadOnlyList<(string Gate, string Device)> WantedDevices(DesiredState desired) =>
        RoutingTable.ForwardingGates(desired)
            .SelectMany(g => (g.Routing is { Active: true } ? new[] { (g.Name, g.Interface), (g.Name, g.Underlay) } : [])
                .Concat(g.Gateway is { } gateway ? new[] { (g.Name, g.Interface), (g.Name, gateway.Egress) } : []))
            .DistinctBy(w => w.Item2)
            .ToList();

    private static ForwardingMemory Memory(ExtensionContext context) => new(context.Desired.Host.StateDirectory, context.Reconcile.Netns);

    private static void Enable(string device, string? netns, ForwardingMemory memory)
    {
        using var client = RtnlClient.Open(netns);
        var link = client.GetLink(device)
            ?? throw new NetlinkException($"device {device} does not exist, so it cannot forward; check the gate's interface and underlay");
        var before = link.Ipv4Conf?.Forwarding
            ?? throw new NetlinkException($"device {device} has no IPv4 configuration (no IFLA_INET_CONF), so its forwarding cannot be set");
        if (before == 1)
        {
            return;
        }

        memory.RememberFirst(device, before); // before the change, so a crash right after it still knows the original
        client.LinkSetIpv4Conf(link.Index, 1, null);
    }

    private static void Restore(string device, string? netns, ForwardingMemory memory)
    {
        if (!memory.Read().TryGetValue(device, out var value))
        {
            return;
        }

        using (var client = RtnlClient.Open(netns))
        {
            // A device that is gone (a deleted gate's) has nothing to put back.
            if (client.GetLink(device) is { } link)
            {
                client.LinkSetIpv4Conf(link.Index, value, null);
            }
        }

        memory.Forget(device);
    }

    private static void Commit(string? netns, NfTransaction transaction)
    {
        using var client = NfTablesClient.Open(netns);
        client.Commit(transaction);
    }

    // Without a routed gate and without remembered values, only a leftover table could need work: ask nf_tables only then.
    private static bool TableMayExist(string? netns)
    {
        try
        {
            return NfTables.TableExists(netns, NfTables.InetFamily, RoutingTable.Name);
        }
        catch (NetlinkException)
        {
            return false; // no nf_tables: no table to remove
        }
    }

    private static NfTableContents? ReadTable(string? netns, bool unwanted)
    {
        try
        {
            using var client = NfTablesClient.Open(netns);
            return client.ReadTable(RoutingTable.Name);
        }
        catch (NetlinkException) when (unwanted)
        {
            return null;
        }
        catch (NetlinkException e)
        {
            throw new BackendException(ExtensionName, null, 0,
                $"cannot read table {RoutingTable.Display}: {e.Message}; a routing gate needs nf_tables (modprobe nf_tables) and CAP_NET_ADMIN", e);
        }
    }
}

/// <summary>Turns IPv4 forwarding on for a device a routed gate needs, remembering the value it had.</summary>
/// <param name="Gate">The gate that needs it.</param>
/// <param name="Device">The gate's device or underlay.</param>
internal sealed record EnableForwarding(string Gate, string Device) : ExtensionStep(RoutingExtension.ExtensionName, Gate, Device)
{
    /// <inheritdoc />
    public override string Action => "enable-forwarding";

    /// <inheritdoc />
    public override ExtensionStep? Undo => new RestoreForwarding(Device, null);

    /// <inheritdoc />
    public override string Describe() => $"routing: turn IPv4 forwarding on for {Device} (net.ipv4.conf.{Device}.forwarding=1), remembering its value";
}

/// <summary>Puts back the forwarding value a device had before gatectl, because no routed gate needs it any more.</summary>
/// <param name="Device">The device.</param>
/// <param name="Value">The value to put back, or null when the device is gone (then it is only forgotten) or not yet known.</param>
internal sealed record RestoreForwarding(string Device, uint? Value) : ExtensionStep(RoutingExtension.ExtensionName, "", Device)
{
    /// <inheritdoc />
    public override string Action => "restore-forwarding";

    /// <inheritdoc />
    public override ExtensionStep? Undo => null;

    /// <inheritdoc />
    public override string Describe() => Value is { } value
        ? $"routing: put net.ipv4.conf.{Device}.forwarding back to {value}, its value before gatectl"
        : $"routing: put {Device}'s IPv4 forwarding back to its value before gatectl (or forget it, when the device is gone)";
}

/// <summary>Creates or replaces gatectl's routing table (forward filter, masquerade) in one transaction.</summary>
/// <param name="Drift">What differs.</param>
/// <param name="Wanted">The table wanted.</param>
/// <param name="Previous">The table before, for rollback (null: none).</param>
internal sealed record ProgramRouting(GuardDrift Drift, NfTableContents Wanted, NfTableContents? Previous)
    : ExtensionStep(RoutingExtension.ExtensionName, "", "")
{
    /// <inheritdoc />
    public override string Action => "program-routing";

    /// <inheritdoc />
    public override ExtensionStep? Undo => new RestoreRouting(Previous);

    /// <inheritdoc />
    public override string Describe() => Previous is null
        ? $"routing: create table {RoutingTable.Display} ({Wanted.Rules.Count} rules: forward filter{(Wanted.Rules.Any(r => r.Chain == RoutingTable.PostroutingChain) ? ", masquerade" : "")})"
        : $"routing: table {RoutingTable.Display} differs ({string.Join("; ", Drift.Missing.Select(m => "missing " + m).Concat(Drift.Unexpected.Select(u => "unexpected " + u)))}); replace it in one nf_tables transaction";
}

/// <summary>Deletes gatectl's routing table because no gate routes any more.</summary>
/// <param name="Previous">The table before, for rollback.</param>
internal sealed record RemoveRouting(NfTableContents Previous) : ExtensionStep(RoutingExtension.ExtensionName, "", "")
{
    /// <inheritdoc />
    public override string Action => "remove-routing";

    /// <inheritdoc />
    public override ExtensionStep? Undo => new RestoreRouting(Previous);

    /// <inheritdoc />
    public override string Describe() => $"routing: delete table {RoutingTable.Display} (no gate routes)";
}

/// <summary>Puts gatectl's routing table back as it was before a failed apply (or removes it when there was none).</summary>
/// <param name="Previous">The table to restore, or null for none.</param>
internal sealed record RestoreRouting(NfTableContents? Previous) : ExtensionStep(RoutingExtension.ExtensionName, "", "")
{
    /// <inheritdoc />
    public override string Action => "restore-routing";

    /// <inheritdoc />
    public override ExtensionStep? Undo => null;

    /// <inheritdoc />
    public override string Describe() => Previous is null
        ? $"routing: delete table {RoutingTable.Display} (it did not exist before)"
        : $"routing: restore table {RoutingTable.Display} as it was ({Previous.Rules.Count} rules)";
}
