using System.Runtime.CompilerServices;

namespace Gate.NetlinkCtl.Cli.Tests;

public sealed class RenderCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatectl-render-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Example([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "examples", "soracom-gate.yaml"));

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = GatectlCli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Render_prints_gatectls_nftables_table_for_the_example_state()
    {
        var (exit, output, _) = Run("render", Example(), "--format", "nftables");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.StartsWith("#!/usr/sbin/nft -f", output, StringComparison.Ordinal);
        Assert.Contains("elements = { 100.64.152.4, 100.64.152.132 }", output, StringComparison.Ordinal);
        Assert.Contains("ip daddr 192.0.2.10 udp dport 4789 ip saddr @sources_", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_files_on_stdout_are_told_apart_by_their_names()
    {
        var (exit, output, _) = Run("render", Example(), "--format", "networkd");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("==> 50-gatectl-vxlan0.netdev <==\n", output, StringComparison.Ordinal);
        Assert.Contains("==> underlay-eth0.network.d/50-gatectl-vxlan0.conf <==\n", output, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Render_with_out_writes_each_file_with_the_mode_its_consumer_expects()
    {
        Assert.Equal(ExitCodes.Ok, Run("render", Example(), "--format", "nm-keyfile", "--out", _dir).Exit);
        Assert.Equal(ExitCodes.Ok, Run("render", Example(), "--format", "iproute2", "--out", _dir).Exit);

        var keyfile = Path.Combine(_dir, "gatectl-soracom.nmconnection");
        var script = Path.Combine(_dir, "gatectl-gates.sh");
        Assert.Contains("interface-name=vxlan0", File.ReadAllText(keyfile), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyfile));
        Assert.True(File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute));
        Assert.Empty(Directory.GetFiles(_dir, "*.gatectl-tmp"));
    }

    [Fact]
    public void An_invalid_state_renders_nothing_and_exits_with_invalid_state()
    {
        var state = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(state, File.ReadAllText(Example()).Replace("vni: 10 ", "vni: 0 ", StringComparison.Ordinal));
        var output = Path.Combine(_dir, "out");

        var (exit, _, error) = Run("render", state, "--format", "networkd", "--out", output);

        Assert.Equal(ExitCodes.InvalidState, exit);
        Assert.Contains("bad.yaml:", error, StringComparison.Ordinal);
        Assert.Contains("nothing was rendered", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void An_unknown_format_is_a_usage_error()
    {
        var (exit, _, error) = Run("render", Example(), "--format", "ifupdown");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("nm-keyfile", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_users_templates_directory_replaces_the_built_in_templates()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "iproute2"));
        File.WriteAllText(Path.Combine(_dir, "iproute2", "mine.sbn"), """
            +++
            each = "gate"
            output = "{{ gate.name }}.txt"
            +++
            {{ gate.interface }} {{ gate.vni }} {{ gate.endpoints | array.join "," }}

            """);

        var (exit, output, _) = Run("render", Example(), "--format", "iproute2", "--templates", _dir);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("vxlan0 10 100.64.152.4,100.64.152.132\n", output);
    }

    [Fact]
    public void A_broken_template_is_reported_with_its_file_and_line()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "nftables"));
        File.WriteAllText(Path.Combine(_dir, "nftables", "broken.sbn"), "+++\neach = \"host\"\noutput = \"x\"\n+++\n{{ if }}\n");

        var (exit, _, error) = Run("render", Example(), "--format", "nftables", "--templates", _dir);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("broken.sbn", error, StringComparison.Ordinal);
    }
}
