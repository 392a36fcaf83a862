using System.Diagnostics;
using System.Text;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.Validation;

/// <summary>
/// Hostile input too big or too repetitive for a corpus file (megabyte strings, alias bombs, 100,000-digit numbers,
/// 100,000-deep nesting, random bytes, hundreds of conflicting gates), and the whole refused corpus again: each is
/// refused with located, one-line, printable errors, in a bounded number of allocated bytes and without hanging.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    /// <summary>
    /// A hang guard, not a speed check (speed is bench/'s, measured against a baseline): refusals take 1 ms to 0.7 s on
    /// an idle machine and over 3 s beside the whole suite on 2 CPUs, while an expansion this bound is there to catch
    /// (an alias bomb resolved, a quadratic scan of 10,000 entries) takes minutes. Allocation is the tight bound.
    /// </summary>
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(30);

    /// <summary>Most bytes one refusal may allocate: the input itself held a few times over, never its expansion.</summary>
    private const long AllocationLimit = 256L << 20;

    private const string Gate = """
        apiVersion: gatectl/v1
        kind: GatePeer
        gates:
          - name: lab
            interface: vxlan0
            underlay: eth0
            local: 192.0.2.10
            address: 198.18.0.254/15
            endpoints:
              - 203.0.113.4

        """;

    private static readonly Dictionary<string, (Func<string> Build, string Expected)> Generated = new(StringComparer.Ordinal)
    {
        ["megabyte-interface-name"] = (
            () => Gate.Replace("interface: vxlan0", "interface: " + new string('x', StateLimits.MaxFileBytes - 300), StringComparison.Ordinal),
            $"5:16 gates[0].interface: '{new string('x', StateText.MaxShown)}'... ({StateLimits.MaxFileBytes - 300} characters) has {StateLimits.MaxFileBytes - 300} characters; Linux allows at most 15"),
        ["one-byte-over-a-mebibyte"] = (
            () => Gate + "#" + new string('a', StateLimits.MaxFileBytes - Gate.Length) + "\n",
            $"0:0 the file has {StateLimits.MaxFileBytes + 2} bytes; a state file may have at most {StateLimits.MaxFileBytes} bytes (1 MiB): is this the right file?"),
        ["billion-laughs-ten-levels"] = (
            BillionLaughs,
            "1:5 l0: anchor '&l0' is not allowed; write the value out (state files use no anchors or aliases)"),
        ["twenty-thousand-aliases"] = (
            () => "a: &a x\nb: [" + string.Join(',', Enumerable.Repeat("*a", 20_000)) + "]\n" + Gate,
            "1:4 a: anchor '&a' is not allowed; write the value out (state files use no anchors or aliases)"),
        ["nesting-a-hundred-thousand-deep"] = (
            () => Gate.Replace("- 203.0.113.4", "- " + new string('[', 100_000) + new string(']', 100_000), StringComparison.Ordinal),
            "10:37 gates[0].endpoints[0][0][0]"),
        ["hundred-thousand-digit-vni"] = (
            () => Gate.Replace("    local:", "    vni: " + new string('9', 100_000) + "\n    local:", StringComparison.Ordinal),
            $"7:10 gates[0].vni: '{new string('9', StateText.MaxShown)}'... (100000 characters) is not an integer; expected an integer 1..16777215"),
        ["ten-thousand-endpoints-with-repeats"] = (
            () => Gate + string.Concat(Enumerable.Range(0, 10_000).Select(i => $"      - 203.0.113.{i % 256}\n")),
            "15:9 gates[0].endpoints[5]: 203.0.113.4 is already endpoints[0]; list each one once"),
        ["five-hundred-conflicting-gates"] = (
            () => Gate + string.Concat(Enumerable.Repeat(Gate[Gate.IndexOf("  - name", StringComparison.Ordinal)..], 500)),
            "11:5 gates[1].vni: gates[0] already uses VNI 10 on port 4789 from 192.0.2.10"),
        ["five-thousand-unknown-keys"] = (
            () => Gate + string.Concat(Enumerable.Range(0, 5_000).Select(i => $"key{i}: {i}\n")),
            "11:1 key0: unknown key 'key0'; expected one of apiVersion, kind, host, gates"),
        ["random-bytes"] = (
            () => Encoding.Latin1.GetString(RandomBytes(64 * 1024)),
            string.Empty),
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("gct-hostile-").FullName;

    public static TheoryData<string> GeneratedNames => [.. Generated.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(GeneratedNames))]
    public void A_generated_hostile_input_is_refused_quickly_with_located_printable_errors(string name)
    {
        var (build, expected) = Generated[name];
        var path = Path.Combine(_directory, name + ".yaml");
        File.WriteAllText(path, build());

        var (result, elapsed, allocated) = Measure(path);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{name}: refused in {elapsed.TotalMilliseconds:0} ms, {allocated >> 20} MiB allocated, {result.Errors.Count} errors");

        Assert.Null(result.State);
        Assert.NotEmpty(result.Errors);
        Assert.StartsWith(expected, Describe(result.Errors[0]), StringComparison.Ordinal);
        AssertBoundedAndPrintable(result, elapsed, allocated, path);
    }

    [Fact]
    public void Every_refused_corpus_file_is_refused_within_the_time_and_allocation_bounds()
    {
        var paths = CorpusTests.RefusedPaths().ToList();

        foreach (var path in paths)
        {
            var (result, elapsed, allocated) = Measure(path);
            Assert.Null(result.State);
            Assert.NotEmpty(result.Errors);
            AssertBoundedAndPrintable(result, elapsed, allocated, path);
        }

        Assert.True(paths.Count >= 100, $"only {paths.Count} refused files");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (StateLoadResult Result, TimeSpan Elapsed, long Allocated) Measure(string path)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var result = StateFile.Read(path);
        return (result, clock.Elapsed, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void AssertBoundedAndPrintable(StateLoadResult result, TimeSpan elapsed, long allocated, string path)
    {
        Assert.True(elapsed < TimeLimit, $"{path}: refusing took {elapsed.TotalMilliseconds:0} ms");
        Assert.True(allocated < AllocationLimit, $"{path}: refusing allocated {allocated >> 20} MiB");
        foreach (var error in result.Errors)
        {
            Assert.Equal(path, error.File);
            Assert.True(error.Line > 0 || result.Errors.Count == 1, $"{path}: an unlocated error among others: {error}");
            Assert.True(error.Message.Length <= 400, $"{path}: a {error.Message.Length}-character message");
            Assert.DoesNotContain(error.Message, char.IsControl);
        }
    }

    private static string Describe(StateError error) =>
        error.Path.Length > 0 ? $"{error.Line}:{error.Column} {error.Path}: {error.Message}" : $"{error.Line}:{error.Column} {error.Message}";

    private static string BillionLaughs()
    {
        var text = new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 1; level < 10; level++)
        {
            text.Append($"l{level}: &l{level} [").AppendJoin(", ", Enumerable.Repeat($"*l{level - 1}", 10)).Append("]\n");
        }

        return text.Append(Gate).ToString();
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(11).NextBytes(bytes);
        return bytes;
    }
}
