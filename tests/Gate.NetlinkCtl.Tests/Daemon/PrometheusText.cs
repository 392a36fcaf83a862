using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Daemon;

/// <summary>
/// Reads Prometheus text with the Prometheus project's own parser (Debian's python3-prometheus-client), the format
/// node_exporter's textfile collector reads: text it refuses fails the test.
/// </summary>
internal static class PrometheusText
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

    public static double Value(IReadOnlyList<Family> families, string sample, params (string Name, string Value)[] labels) =>
        families.SelectMany(f => f.Samples)
            .Single(s => s.Name == sample && s.Labels.Count == labels.Length && labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value))
            .Value;

    public static async Task<IReadOnlyList<Family>> ParseAsync(string text)
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

    public sealed record Family(string Name, string Type, string Help, IReadOnlyList<Sample> Samples);

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
