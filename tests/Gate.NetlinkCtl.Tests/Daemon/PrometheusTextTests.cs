using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
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
    // Parses stdin with prometheus_client and prints [{name, type, samples: [[name, labels, value]]}].
    private const string ParserScript = """
        import json, math, sys
        from prometheus_client.parser import text_string_to_metric_families
        out = []
        for f in text_string_to_metric_families(sys.stdin.read()):
            out.append({"name": f.name, "type": f.type, "help": f.documentation,
                        "samples": [[s.name, s.labels, "NaN" if math.isnan(s.value) else s.value] for s in f.samples]})
        print(json.dumps(out))
        """;

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

        var families = await ParseAsync(metrics.Render());

        Assert.Equal(
            ["gatectl_consecutive_failures", "gatectl_drift_repairs", "gatectl_errors", "gatectl_gate_in_sync",
             "gatectl_last_reconcile_duration_seconds", "gatectl_last_reconcile_timestamp_seconds", "gatectl_last_success_timestamp_seconds",
             "gatectl_reconcile_duration_seconds", "gatectl_reconciles", "gatectl_state_file_valid"],
            families.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Equal(1, Value(families, "gatectl_reconciles_total", ("result", "repaired")));
        Assert.Equal(1, Value(families, "gatectl_reconciles_total", ("result", "failed")));
        Assert.Equal(0, Value(families, "gatectl_reconciles_total", ("result", "in-sync")));
        Assert.Equal(1, Value(families, "gatectl_drift_repairs_total", ("kind", "add-fdb")));
        Assert.Equal(0, Value(families, "gatectl_errors_total", ("source", "event_listener")));
        Assert.Equal(1, Value(families, "gatectl_errors_total", ("source", "state_file")));
        Assert.Equal(1, Value(families, "gatectl_gate_in_sync", ("gate", "soracom"), ("interface", "vxgate0")));
        Assert.Equal(0, Value(families, "gatectl_gate_in_sync", ("gate", "lab"), ("interface", "vxlab0")));
        Assert.Equal(0, Value(families, "gatectl_state_file_valid"));
        Assert.Equal(3, Value(families, "gatectl_last_reconcile_duration_seconds"));
        Assert.Equal(1_780_000_000, Value(families, "gatectl_last_success_timestamp_seconds"));
        Assert.Equal("histogram", families.Single(f => f.Name == "gatectl_reconcile_duration_seconds").Type);
        Assert.Equal(2, Value(families, "gatectl_reconcile_duration_seconds_count"));
        Assert.Equal(1, Value(families, "gatectl_reconcile_duration_seconds_bucket", ("le", "0.05")));
        Assert.Equal(2, Value(families, "gatectl_reconcile_duration_seconds_bucket", ("le", "5")));
        Assert.Equal(2, Value(families, "gatectl_reconcile_duration_seconds_bucket", ("le", "+Inf")));
    }

    [Fact]
    public async Task An_ha_gate_exports_whether_this_host_holds_its_virtual_address()
    {
        var metrics = new ReconcileMetrics();
        metrics.RecordHa([new HaRole("soracom", "vxgate0", "198.18.0.250", true), new HaRole("lab", "vxlab0", "198.18.100.250", false)]);

        var families = await ParseAsync(metrics.Render());

        Assert.Equal("gauge", families.Single(f => f.Name == "gatectl_ha_master").Type);
        Assert.Equal(1, Value(families, "gatectl_ha_master", ("gate", "soracom"), ("interface", "vxgate0"), ("address", "198.18.0.250")));
        Assert.Equal(0, Value(families, "gatectl_ha_master", ("gate", "lab"), ("interface", "vxlab0"), ("address", "198.18.100.250")));
    }

    [Fact]
    public async Task Label_values_with_quotes_backslashes_and_newlines_survive_the_round_trip()
    {
        const string awkward = "gate \"a\"\\b\nc";
        var text = new PrometheusTextWriter()
            .Family("gatectl_test", "gauge", "A help text with a \\ backslash\nand a second line.")
            .Sample("gatectl_test", 1.5, new KeyValuePair<string, string>("gate", awkward))
            .ToString();

        var family = Assert.Single(await ParseAsync(text));

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
        await Assert.ThrowsAnyAsync<Exception>(() => ParseAsync("gatectl_x{gate=\"a} 1\n"));
    }

    private static double Value(IReadOnlyList<Family> families, string sample, params (string Name, string Value)[] labels) =>
        families.SelectMany(f => f.Samples)
            .Single(s => s.Name == sample && s.Labels.Count == labels.Length && labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value))
            .Value;

    private static async Task<IReadOnlyList<Family>> ParseAsync(string text)
    {
        Prerequisites.Require(File.Exists("/usr/bin/python3"), "needs Debian's python3 (apt-get install python3)");
        var check = await Cli.Wrap("/usr/bin/python3").WithArguments(["-c", "import prometheus_client"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        Prerequisites.Require(check.ExitCode == 0, "needs the Prometheus text parser (apt-get install python3-prometheus-client)");

        var result = await Cli.Wrap("/usr/bin/python3").WithArguments(["-c", ParserScript])
            .WithStandardInputPipe(PipeSource.FromString(text))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        if (result.ExitCode != 0)
        {
            throw new FormatException($"prometheus_client refused the text: {result.StandardError}\n--- text ---\n{text}");
        }

        using var json = JsonDocument.Parse(result.StandardOutput);
        return [.. json.RootElement.EnumerateArray().Select(f => new Family(
            f.GetProperty("name").GetString()!,
            f.GetProperty("type").GetString()!,
            f.GetProperty("help").GetString()!,
            [.. f.GetProperty("samples").EnumerateArray().Select(s => new Sample(
                s[0].GetString()!,
                s[1].EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                s[2].ValueKind == JsonValueKind.String ? double.NaN : s[2].GetDouble()))]))];
    }

    private sealed record Family(string Name, string Type, string Help, IReadOnlyList<Sample> Samples);

    private sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
