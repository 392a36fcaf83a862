using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.Daemon.Metrics;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Daemon;

/// <summary>
/// The metrics text is read back by the Prometheus project's own parser (Debian's python3-prometheus-client),
/// the same text format node_exporter's textfile collector reads.
/// </summary>
public class PrometheusTextTests
{
    [Fact]
    public async Task The_daemon_metrics_parse_as_Prometheus_text_with_every_family_typed()
    {
        var metrics = new ReconcileMetrics();
        metrics.RecordReconcile(ReconcileResults.Repaired, TimeSpan.FromMilliseconds(42), DateTimeOffset.FromUnixTimeSeconds(1_780_000_000),
            [new DriftRepair("soracom", "add-fdb", "00:00:00:00:00:00 dst 192.0.2.10"), new DriftRepair("soracom", "set-up", "vxgate0 up")],
            [new GateSync("soracom", "vxgate0", true), new GateSync("lab", "vxlab0", false)], 0);
        metrics.RecordReconcile(ReconcileResults.Failed, TimeSpan.FromSeconds(3), DateTimeOffset.FromUnixTimeSeconds(1_780_000_060), [], null, 1);
        metrics.RecordError(ErrorSources.StateFile);
        metrics.RecordStateFileValid(false);

        var families = await PrometheusText.ParseAsync(metrics.Render());

        Assert.Equal(
            ["gatectl_consecutive_failures", "gatectl_drift_repairs", "gatectl_errors", "gatectl_gate_in_sync",
             "gatectl_last_reconcile_duration_seconds", "gatectl_last_reconcile_timestamp_seconds", "gatectl_last_success_timestamp_seconds",
             "gatectl_reconcile_duration_seconds", "gatectl_reconciles", "gatectl_state_file_valid"],
            families.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(1, PrometheusText.Value(families, "gatectl_reconciles_total", ("result", "repaired")));
        Assert.Equal(1, PrometheusText.Value(families, "gatectl_reconciles_total", ("result", "failed")));
        Assert.Equal(0, PrometheusText.Value(families, "gatectl_reconciles_total", ("result", "in-sync")));
        Assert.Equal(1, PrometheusText.Value(families, "gatectl_drift_repairs_total", ("kind", "add-fdb")));
        Assert.Equal(0, PrometheusText.Value(families, "gatectl_errors_total", ("source", "event_listener")));
        Assert.Equal(1, PrometheusText.Value(families, "gatectl_errors_total", ("source", "state_file")));
        Assert.Equal(1, PrometheusText.Value(families, "gatectl_gate_in_sync", ("gate", "soracom"), ("interface", "vxgate0")));
        Assert.Equal(0, PrometheusText.Value(families, "gatectl_gate_in_sync", ("gate", "lab"), ("interface", "vxlab0")));
        Assert.Equal(0, PrometheusText.Value(families, "gatectl_state_file_valid"));
        Assert.Equal(3, PrometheusText.Value(families, "gatectl_last_reconcile_duration_seconds"));
        Assert.Equal(1_780_000_000, PrometheusText.Value(families, "gatectl_last_success_timestamp_seconds"));
        Assert.Equal("histogram", families.Single(f => f.Name == "gatectl_reconcile_duration_seconds").Type);
        Assert.Equal(2, PrometheusText.Value(families, "gatectl_reconcile_duration_seconds_count"));
        Assert.Equal(1, PrometheusText.Value(families, "gatectl_reconcile_duration_seconds_bucket", ("le", "0.05")));
        Assert.Equal(2, PrometheusText.Value(families, "gatectl_reconcile_duration_seconds_bucket", ("le", "5")));
        Assert.Equal(2, PrometheusText.Value(families, "gatectl_reconcile_duration_seconds_bucket", ("le", "+Inf")));
    }

    [Fact]
    public async Task The_health_probe_exports_per_target_up_rtt_loss_and_counts_and_the_gates_link_counters()
    {
        var metrics = new ReconcileMetrics();
        var at = DateTimeOffset.FromUnixTimeSeconds(1_780_000_000);
        metrics.RecordHealth([new global::Gate.NetlinkCtl.Health.GateHealthStatus("soracom", "vxgate0", 30,
            [
                new global::Gate.NetlinkCtl.Health.ProbeTargetStatus("198.18.1.17", "up", 0.0215, 0.1, 20, 40, 36, at, at, null),
                new global::Gate.NetlinkCtl.Health.ProbeTargetStatus("198.18.1.18", "down", 0.019, 1, 3, 3, 0, at, at, null),
                new global::Gate.NetlinkCtl.Health.ProbeTargetStatus("198.18.1.19", "pending", null, 0, 0, 0, 0, null, null, null),
            ],
            new global::Gate.NetlinkCtl.Netlink.LinkCounters(RxPackets: 36, TxPackets: 43, RxBytes: 3672, TxBytes: 4386, RxErrors: 0, TxErrors: 1, RxDropped: 2, TxDropped: 0))]);

        var families = await PrometheusText.ParseAsync(metrics.Render());

        Assert.Equal(1, PrometheusText.Value(families, "gatectl_probe_up", ("gate", "soracom"), ("target", "198.18.1.17")));
        Assert.Equal(0, PrometheusText.Value(families, "gatectl_probe_up", ("gate", "soracom"), ("target", "198.18.1.18")));
        Assert.DoesNotContain(families.Single(f => f.Name == "gatectl_probe_up").Samples, s => s.Labels["target"] == "198.18.1.19");
        Assert.Equal(0.0215, PrometheusText.Value(families, "gatectl_probe_rtt_seconds", ("gate", "soracom"), ("target", "198.18.1.17")));
        Assert.Equal(0.1, PrometheusText.Value(families, "gatectl_probe_loss_ratio", ("gate", "soracom"), ("target", "198.18.1.17")));
        Assert.Equal(40, PrometheusText.Value(families, "gatectl_probes_sent_total", ("gate", "soracom"), ("target", "198.18.1.17")));
        Assert.Equal(36, PrometheusText.Value(families, "gatectl_probe_replies_total", ("gate", "soracom"), ("target", "198.18.1.17")));
        Assert.Equal(43, PrometheusText.Value(families, "gatectl_gate_tx_packets_total", ("gate", "soracom"), ("interface", "vxgate0")));
        Assert.Equal(2, PrometheusText.Value(families, "gatectl_gate_rx_dropped_total", ("gate", "soracom"), ("interface", "vxgate0")));
        Assert.Equal("gauge", families.Single(f => f.Name == "gatectl_probe_up").Type);
        Assert.Equal("counter", families.Single(f => f.Name == "gatectl_gate_rx_bytes").Type);
    }

    [Fact]
    public async Task An_ha_gate_exports_whether_this_host_holds_its_virtual_address()
    {
        var metrics = new ReconcileMetrics();
        metrics.RecordHa([new HaRole("soracom", "vxgate0", "198.18.0.250", true), new HaRole("lab", "vxlab0", "198.18.100.250", false)]);

        var families = await PrometheusText.ParseAsync(metrics.Render());

        Assert.Equal("gauge", families.Single(f => f.Name == "gatectl_ha_master").Type);
        Assert.Equal(1, PrometheusText.Value(families, "gatectl_ha_master", ("gate", "soracom"), ("interface", "vxgate0"), ("address", "198.18.0.250")));
        Assert.Equal(0, PrometheusText.Value(families, "gatectl_ha_master", ("gate", "lab"), ("interface", "vxlab0"), ("address", "198.18.100.250")));
    }

    [Fact]
    public async Task Label_values_with_quotes_backslashes_and_newlines_survive_the_round_trip()
    {
        const string awkward = "gate \"a\"\\b\nc";
        var text = new PrometheusTextWriter()
            .Family("gatectl_test", "gauge", "A help text with a \\ backslash\nand a second line.")
            .Sample("gatectl_test", 1.5, new KeyValuePair<string, string>("gate", awkward))
            .ToString();

        var family = Assert.Single(await PrometheusText.ParseAsync(text));

        Assert.Equal("A help text with a \\ backslash\nand a second line.", family.Help);
        var sample = Assert.Single(family.Samples);
        Assert.Equal(awkward, sample.Labels["gate"]);
        Assert.Equal(1.5, sample.Value);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(1780000000d, "1780000000")]
    public void Values_use_the_formats_Prometheus_reads(double value, string expected)
    {
        Assert.Equal(expected, PrometheusTextWriter.FormatValue(value));
    }

    [Theory]
    [InlineData("9lives")]
    [InlineData("has-dash")]
    [InlineData("")]
    public void A_name_Prometheus_would_reject_is_refused_when_written(string name)
    {
        Assert.Throws<ArgumentException>(() => new PrometheusTextWriter().Family(name, "gauge", "x"));
    }

    [Fact]
    public async Task The_parser_used_as_oracle_rejects_malformed_text()
    {
        // Proves the oracle can fail: a sample line with an unterminated label value.
        await Assert.ThrowsAnyAsync<Exception>(() => PrometheusText.ParseAsync("gatectl_x{gate=\"a} 1\n"));
    }
}
