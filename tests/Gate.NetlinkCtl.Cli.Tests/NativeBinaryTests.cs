using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Cli.Tests;

/// <summary>
/// The native AOT binary that <c>./dev.sh publish</c> (and so <c>./dev.sh test</c>) writes to <c>out/gatectl</c>:
/// the file the README installs. The other CLI tests run the JIT assembly; these prove the trimmed,
/// ahead-of-time compiled build still does the same work (YAML, source-generated JSON, Scriban, rtnetlink).
/// </summary>
public sealed class NativeBinaryTests
{
    private static string Binary => SourceTree.PathOf("out", "gatectl");

    [Fact]
    public void The_published_gatectl_is_a_native_executable_that_needs_no_dotnet_runtime()
    {
        RequireBinary();

        var bytes = File.ReadAllBytes(Binary);

        Assert.Equal("\u007fELF"u8.ToArray(), bytes[..4]);
        // A framework-dependent apphost is an ELF too, but it loads hostfxr and runs gatectl.dll beside it.
        Assert.False(File.Exists(SourceTree.PathOf("out", "gatectl.dll")), "out/gatectl.dll exists: out/ holds a JIT build");
        Assert.False(File.Exists(SourceTree.PathOf("out", "gatectl.runtimeconfig.json")), "out/gatectl.runtimeconfig.json exists: out/ holds a JIT build");
        Assert.Equal(-1, bytes.AsSpan().IndexOf("libhostfxr"u8));
    }

    [Fact]
    public async Task The_native_binary_prints_its_version_validates_the_example_and_renders_nftables()
    {
        RequireBinary();

        var version = await RunAsync("version");
        var validate = await RunAsync("validate", SourceTree.PathOf("examples", "soracom-gate.yaml"), "--output", "json");
        var render = await RunAsync("render", SourceTree.PathOf("examples", "soracom-gate.yaml"), "--format", "nftables");

        Assert.Equal((0, "gatectl 0.1.0"), (version.ExitCode, version.StandardOutput.Trim()));
        Assert.Equal(0, validate.ExitCode);
        Assert.Contains("\"valid\": true", validate.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, render.ExitCode);
        Assert.Contains("table inet gatectl_guard", render.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_native_binary_plans_a_gate_in_a_namespace_over_its_own_rtnetlink_client()
    {
        RequireBinary();
        await using var ns = await TestNamespace.CreateAsync("aot");
        await ns.IpAsync("link", "add", "u0", "type", "veth", "peer", "name", "u0p");
        await ns.IpAsync("address", "add", "192.0.2.10/24", "dev", "u0");
        await ns.IpAsync("link", "set", "u0", "up");
        var state = Path.Combine(Directory.CreateTempSubdirectory("gatectl-aot").FullName, "state.yaml");
        var gate = new GateYaml { Name = "soracom", Interface = "gate0", Vni = "10", Endpoints = ["192.0.2.1", "192.0.2.2"] };
        await File.WriteAllTextAsync(state, new StateYaml { Backend = "netlink", Gates = [gate] }.ToString(), TestContext.Current.CancellationToken);
        try
        {
            var plan = await RunAsync("plan", state, "--netns", ns.Name);
            var timed = await RunAsync(new Dictionary<string, string?> { ["GATECTL_STAGE_TIMINGS"] = "1" }, "plan", state, "--netns", ns.Name);

            Assert.Equal(2, plan.ExitCode);
            Assert.Contains($"plan (netlink, netns {ns.Name}): 5 changes", plan.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("add flood entry 00:00:00:00:00:00 dst 192.0.2.2 to gate0", plan.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("gatectl: stage", plan.StandardError, StringComparison.Ordinal);
            // With the profiling variable the same plan is printed, and every stage's wall time goes to stderr.
            Assert.Equal((2, plan.StandardOutput), (timed.ExitCode, timed.StandardOutput));
            foreach (var stage in new[] { "load", "validate", "backend", "observe", "plan", "main (all of the above and the rest)" })
            {
                Assert.Matches($@"(?m)^gatectl: stage {System.Text.RegularExpressions.Regex.Escape(stage)} [0-9]+\.[0-9] ms$", timed.StandardError);
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(state)!, recursive: true);
        }
    }

    private static void RequireBinary() =>
        Prerequisites.Require(File.Exists(Binary), $"needs the native binary {Binary} (./dev.sh publish builds it)");

    private static Task<BufferedCommandResult> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    private static async Task<BufferedCommandResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        return await CliWrap.Cli.Wrap(Binary)
            .WithArguments(args)
            .WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, timeout.Token);
    }
}
