using Gate.NetlinkCtl.Health;
using Gate.NetlinkCtl.Netlink;

namespace Gate.NetlinkCtl.Daemon.Metrics;

/// <summary>
/// The daemon's counters and gauges, rendered for node_exporter's textfile collector. Counters start at
/// zero with each daemon process, as Prometheus expects of counters (it handles the reset).
/// </summary>
internal sealed class ReconcileMetrics
{
    /// <summary>Upper bounds (seconds) of the reconcile duration histogram's buckets.</summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly SortedDictionary<string, long> _reconciles = new(StringComparer.Ordinal)
    {
        [ReconcileResults.InSync] = 0,
        [ReconcileResults.Repaired] = 0,
        [ReconcileResults.Failed] = 0,
    };

    private readonly SortedDictionary<string, long> _repairs = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _errors = new(StringComparer.Ordinal)
    {
        [ErrorSources.Reconcile] = 0,
        [ErrorSources.StateFile] = 0,
        [ErrorSources.EventListener] = 0,
    };

    // The reconcile loop and the event listener (its errors, the fast path's repairs) both record.
    private readonly Lock _lock = new();
    private readonly long[] _bucketCounts = new long[DurationBuckets.Count];
    private IReadOnlyList<GateSync> _gates = [];
    private IReadOnlyList<HaRole> _ha = [];
    private IReadOnlyList<GateHealthStatus> _health = [];
    private double _durationSum;
    private long _durationCount;
    private double _lastDuration;
    private double _lastTimestamp;
    private double _lastSuccessTimestamp;
    private bool _stateFileValid = true;
    private int _consecutiveFailures;

    /// <summary>Records one finished reconcile.</summary>
    public void RecordReconcile(string result, TimeSpan duration, DateTimeOffset finishedAt, IReadOnlyList<DriftRepair> repairs, IReadOnlyList<GateSync>? gates, int consecutiveFailures)
    {
        using var held = _lock.EnterScope();
        _reconciles[result] = _reconciles.GetValueOrDefault(result) + 1;
        var seconds = duration.TotalSeconds;
        _lastDuration = seconds;
        _durationSum += seconds;
        _durationCount++;
        for (var i = 0; i < DurationBuckets.Count; i++)
        {
            if (seconds <= DurationBuckets[i])
            {
                _bucketCounts[i]++;
            }
        }

        _lastTimestamp = finishedAt.ToUnixTimeMilliseconds() / 1000.0;
        if (result != ReconcileResults.Failed)
        {
            _lastSuccessTimestamp = _lastTimestamp;
        }

        foreach (var repair in repairs)
        {
            _repairs[repair.Kind] = _repairs.GetValueOrDefault(repair.Kind) + 1;
        }

        if (gates is not null)
        {
            _gates = gates;
        }

        _consecutiveFailures = consecutiveFailures;
    }

    /// <summary>Counts one error from <paramref name="source"/> (see <see cref="ErrorSources"/>).</summary>
    public void RecordError(string source)
    {
        using var held = _lock.EnterScope();
        _errors[source] = _errors.GetValueOrDefault(source) + 1;
    }

    /// <summary>Counts one drift repair made outside a reconcile (the daemon's fast path from a kernel event).</summary>
    public void RecordRepair(DriftRepair repair)
    {
        ArgumentNullException.ThrowIfNull(repair);
        using var held = _lock.EnterScope();
        _repairs[repair.Kind] = _repairs.GetValueOrDefault(repair.Kind) + 1;
    }

    /// <summary>Records whether this host holds each VRRP pair's virtual address.</summary>
    public void RecordHa(IReadOnlyList<HaRole> roles)
    {
        using var held = _lock.EnterScope();
        _ha = roles;
    }

    /// <summary>Records every probed gate's latest health round (replacing the previous ones).</summary>
    public void RecordHealth(IReadOnlyList<GateHealthStatus> gates)
    {
        using var held = _lock.EnterScope();
        _health = gates;
    }

    /// <summary>Records whether the latest content of the state file was accepted.</summary>
    public void RecordStateFileValid(bool valid) => _stateFileValid = valid;

    /// <summary>Renders every metric in the Prometheus text format.</summary>
    public string Render()
    {
        using var held = _lock.EnterScope();
        var w = new PrometheusTextWriter();
        w.Family("gatectl_reconciles_total", "counter", "Reconciles run by the gatectl daemon, by result (in-sync, repaired, failed).");
        foreach (var (result, count) in _reconciles)
        {
            w.Sample("gatectl_reconciles_total", count, Label("result", result));
        }

        w.Family("gatectl_reconcile_duration_seconds", "histogram", "Time one reconcile took (observe, plan, apply, verify).");
        for (var i = 0; i < DurationBuckets.Count; i++)
        {
            w.Sample("gatectl_reconcile_duration_seconds_bucket", _bucketCounts[i], Label("le", PrometheusTextWriter.FormatValue(DurationBuckets[i])));
        }

        w.Sample("gatectl_reconcile_duration_seconds_bucket", _durationCount, Label("le", "+Inf"));
        w.Sample("gatectl_reconcile_duration_seconds_sum", _durationSum);
        w.Sample("gatectl_reconcile_duration_seconds_count", _durationCount);

        w.Family("gatectl_last_reconcile_duration_seconds", "gauge", "Time the latest reconcile took.");
        w.Sample("gatectl_last_reconcile_duration_seconds", _lastDuration);
        w.Family("gatectl_last_reconcile_timestamp_seconds", "gauge", "Unix time the latest reconcile finished.");
        w.Sample("gatectl_last_reconcile_timestamp_seconds", _lastTimestamp);
        w.Family("gatectl_last_success_timestamp_seconds", "gauge", "Unix time the latest reconcile that ended in sync finished (0 when none yet).");
        w.Sample("gatectl_last_success_timestamp_seconds", _lastSuccessTimestamp);
        w.Family("gatectl_consecutive_failures", "gauge", "Reconciles failed in a row; the daemon backs off exponentially while this is above 0.");
        w.Sample("gatectl_consecutive_failures", _consecutiveFailures);

        w.Family("gatectl_drift_repairs_total", "counter", "Changes the daemon applied to repair drift, by kind of change.");
        foreach (var (kind, count) in _repairs)
        {
            w.Sample("gatectl_drift_repairs_total", count, Label("kind", kind));
        }

        w.Family("gatectl_errors_total", "counter", "Errors seen by the daemon, by source (reconcile, state_file, event_listener).");
        foreach (var (source, count) in _errors)
        {
            w.Sample("gatectl_errors_total", count, Label("source", source));
        }

        w.Family("gatectl_state_file_valid", "gauge", "1 when the state file's latest content was accepted, 0 when it was refused (the last good state stays in force).");
        w.Sample("gatectl_state_file_valid", _stateFileValid ? 1 : 0);

        w.Family("gatectl_gate_in_sync", "gauge", "1 when the gate matched its desired state at the end of the latest reconcile, else 0.");
        foreach (var gate in _gates)
        {
            w.Sample("gatectl_gate_in_sync", gate.InSync ? 1 : 0, Label("gate", gate.Gate), Label("interface", gate.Interface));
        }

        if (_ha.Count > 0)
        {
            w.Family("gatectl_ha_master", "gauge", "1 when this host holds the gate's VRRP virtual address (keepalived's master), else 0.");
            foreach (var role in _ha)
            {
                w.Sample("gatectl_ha_master", role.Master ? 1 : 0, Label("gate", role.Gate), Label("interface", role.Interface), Label("address", role.VirtualAddress));
            }
        }

        if (_health.Count > 0)
        {
            RenderHealth(w, _health);
        }

        return w.ToString();
    }

    // Per target: up (only once there is a verdict), the latest round trip (once there was a reply), the loss over the
    // tracker's window, and the raw counts; per gate: the device's counters from the link dump.
    private static void RenderHealth(PrometheusTextWriter w, IReadOnlyList<GateHealthStatus> gates)
    {
        var targets = gates.SelectMany(g => g.Targets.Select(t => (g.Gate, Target: t))).ToArray();
        w.Family("gatectl_probe_up", "gauge", $"1 when the target answered ICMP echo through the overlay, 0 after {TargetHealthTracker.DownAfter} probes in a row without a reply.");
        foreach (var (gate, t) in targets.Where(t => t.Target.State is "up" or "down"))
        {
            w.Sample("gatectl_probe_up", t.State == "up" ? 1 : 0, Label("gate", gate), Label("target", t.Target));
        }

        w.Family("gatectl_probe_rtt_seconds", "gauge", "Round trip of the target's latest reply.");
        foreach (var (gate, t) in targets.Where(t => t.Target.RttSeconds is not null))
        {
            w.Sample("gatectl_probe_rtt_seconds", t.RttSeconds!.Value, Label("gate", gate), Label("target", t.Target));
        }

        w.Family("gatectl_probe_loss_ratio", "gauge", $"Share of the target's latest probes (at most {TargetHealthTracker.Window}) without a reply, 0..1.");
        foreach (var (gate, t) in targets.Where(t => t.Target.WindowProbes > 0))
        {
            w.Sample("gatectl_probe_loss_ratio", t.LossRatio, Label("gate", gate), Label("target", t.Target));
        }

        w.Family("gatectl_probes_sent_total", "counter", "ICMP echo requests the health probe sent to the target.");
        foreach (var (gate, t) in targets)
        {
            w.Sample("gatectl_probes_sent_total", t.Sent, Label("gate", gate), Label("target", t.Target));
        }

        w.Family("gatectl_probe_replies_total", "counter", "ICMP echo replies the health probe received from the target in time.");
        foreach (var (gate, t) in targets)
        {
            w.Sample("gatectl_probe_replies_total", t.Replies, Label("gate", gate), Label("target", t.Target));
        }

        var counted = gates.Where(g => g.Counters is not null).ToArray();
        foreach (var (name, help, read) in DeviceCounters)
        {
            w.Family(name, "counter", help);
            foreach (var gate in counted)
            {
                w.Sample(name, read(gate.Counters!), Label("gate", gate.Gate), Label("interface", gate.Interface));
            }
        }
    }

    private static readonly (string Name, string Help, Func<LinkCounters, double> Read)[] DeviceCounters =
    [
        ("gatectl_gate_rx_packets_total", "Packets the gate's VXLAN device received (its link counters; they restart when the device is recreated).", c => c.RxPackets),
        ("gatectl_gate_tx_packets_total", "Packets the gate's VXLAN device sent.", c => c.TxPackets),
        ("gatectl_gate_rx_bytes_total", "Bytes the gate's VXLAN device received.", c => c.RxBytes),
        ("gatectl_gate_tx_bytes_total", "Bytes the gate's VXLAN device sent.", c => c.TxBytes),
        ("gatectl_gate_rx_errors_total", "Receive errors on the gate's VXLAN device.", c => c.RxErrors),
        ("gatectl_gate_tx_errors_total", "Transmit errors on the gate's VXLAN device (no route to an endpoint, for one).", c => c.TxErrors),
        ("gatectl_gate_rx_dropped_total", "Received packets the gate's VXLAN device dropped.", c => c.RxDropped),
        ("gatectl_gate_tx_dropped_total", "Packets the gate's VXLAN device dropped before sending.", c => c.TxDropped),
    ];

    /// <summary>Writes <see cref="Render"/> to <paramref name="path"/> atomically, readable by node_exporter.</summary>
    public void WriteTo(string path) => AtomicFile.WriteAllText(path, Render());

    private static KeyValuePair<string, string> Label(string name, string value) => new(name, value);
}

/// <summary>The results a reconcile can have, as written to the status file and the metrics.</summary>
internal static class ReconcileResults
{
    /// <summary>Nothing had drifted; nothing was changed.</summary>
    public const string InSync = "in-sync";

    /// <summary>Drift was found and repaired; the host is in sync.</summary>
    public const string Repaired = "repaired";

    /// <summary>The reconcile failed or the host is still out of sync; it will be retried with backoff.</summary>
    public const string Failed = "failed";
}

/// <summary>Where the daemon's errors come from, as the <c>source</c> label of <c>gatectl_errors_total</c>.</summary>
internal static class ErrorSources
{
    /// <summary>A reconcile failed.</summary>
    public const string Reconcile = "reconcile";

    /// <summary>The state file was unreadable or invalid.</summary>
    public const string StateFile = "state_file";

    /// <summary>The rtnetlink event subscription failed (it is restarted, with a full reconcile).</summary>
    public const string EventListener = "event_listener";
}
