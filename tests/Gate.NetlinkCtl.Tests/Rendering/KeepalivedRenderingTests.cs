using System.Net;
using CliWrap;
using CliWrap.Buffered;
using Gate.NetlinkCtl.Rendering;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Rendering;

/// <summary><c>gatectl render --format keepalived</c>: one VRRP instance per gate with an ha block, accepted by keepalived itself.</summary>
public sealed class KeepalivedRenderingTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gatectl-keepalived-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>The sample's first gate as one peer of a pair, the second in a pair of three, the absent third with an ha block it does not use.</summary>
    internal static DesiredState PairState()
    {
        var sample = SampleStates.ThreeGates();
        return sample with
        {
            Gates = new EquatableList<GateSpec>(
            [
                sample.Gates[0] with { Ha = Ha("198.18.0.250/15", 51, 150, "198.18.0.7") },
                sample.Gates[1] with { Ha = Ha("198.18.100.250/24", 52, 100, "198.18.100.3", "198.18.100.4") },
                sample.Gates[2] with { Ha = Ha("198.18.200.250/24", 53, 100, "198.18.200.3") },
            ]),
        };
    }

    [Fact]
    public void Each_present_gate_with_ha_gets_one_vrrp_instance_on_its_own_device_with_unicast_adverts()
    {
        var file = Assert.Single(StateRenderer.Default.Render(PairState(), RenderFormat.Keepalived, "state.yaml"));

        Assert.Equal("keepalived.conf", file.RelativePath);
        Assert.Equal(2, Count(file.Content, "vrrp_instance "));
        Assert.Contains("""
            vrrp_instance gatectl_main {
                # Every peer starts as backup; the highest priority takes the address and takes it back when it returns.
                state BACKUP
                interface vxlan0
                virtual_router_id 51
                priority 150
                advert_int 1
                unicast_src_ip 198.18.0.2
                unicast_peer {
                    198.18.0.7
                }
                virtual_ipaddress {
                    198.18.0.250/15 dev vxlan0
                }
            """, file.Content, StringComparison.Ordinal);
        Assert.Contains("""
                unicast_src_ip 198.18.100.2
                unicast_peer {
                    198.18.100.3
                    198.18.100.4
                }
            """, file.Content, StringComparison.Ordinal);
        Assert.Contains("track_interface {\n        eth0\n    }", file.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("gatectl_old", file.Content, StringComparison.Ordinal);
        Assert.DoesNotContain(file.Content.Split('\n'), line => !line.TrimStart().StartsWith('#') && line.Contains("notify", StringComparison.Ordinal));
    }

    [Fact]
    public void A_state_without_ha_renders_no_keepalived_file() =>
        Assert.Empty(StateRenderer.Default.Render(SampleStates.ThreeGates(), RenderFormat.Keepalived, "state.yaml"));

    [Fact]
    public async Task Keepalived_accepts_the_rendered_configuration_in_its_config_test()
    {
        Prerequisites.RequireCommand("keepalived", "keepalived");
        var file = Assert.Single(StateRenderer.Default.Render(PairState(), RenderFormat.Keepalived, "state.yaml"));
        var config = Path.Combine(_dir.FullName, file.RelativePath);
        var log = Path.Combine(_dir.FullName, "config-test.log");
        await File.WriteAllTextAsync(config, file.Content, TestContext.Current.CancellationToken);

        // Debian bookworm's keepalived 2.2.7: -t/--config-test[=LOG_FILE] checks and exits 0 only when nothing was reported.
        var result = await Cli.Wrap("keepalived")
            .WithArguments(["--config-test=" + log, "--use-file", config])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        var reported = File.Exists(log) ? await File.ReadAllTextAsync(log, TestContext.Current.CancellationToken) : "";
        Assert.True(result.ExitCode == 0 && reported.Length == 0, $"keepalived --config-test exited {result.ExitCode}: {reported}{result.StandardError}");
    }

    [Fact]
    public async Task Keepalived_reports_a_broken_configuration_so_its_config_test_proves_something()
    {
        Prerequisites.RequireCommand("keepalived", "keepalived");
        var config = Path.Combine(_dir.FullName, "broken.conf");
        var log = Path.Combine(_dir.FullName, "broken.log");
        await File.WriteAllTextAsync(config, "vrrp_instance x {\n    interface gate0\n    virtual_router_id 300\n    unicast_peer_typo {\n    }\n}\n", TestContext.Current.CancellationToken);

        var result = await Cli.Wrap("keepalived")
            .WithArguments(["--config-test=" + log, "--use-file", config])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);

        Assert.NotEqual(0, result.ExitCode);
    }

    private static HaSpec Ha(string virtualAddress, byte routerId, byte priority, params string[] peers)
    {
        Assert.True(InterfaceAddress.TryParse(virtualAddress, out var vip));
        return new HaSpec(vip, routerId, priority, peers.Select(IPAddress.Parse).ToEquatableList());
    }

    private static int Count(string text, string what) => text.Split(what).Length - 1;
}
