using System.Net;
using Gate.NetlinkCtl.Check;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Tests.Check;

/// <summary>
/// <c>gatectl check</c>'s kernel-side checks against a real gate in the emulator: each fault made for real, the ✘ (or ⚠)
/// with its fix asserted, then the fault undone and the ✔ asserted.
/// </summary>
public sealed class KernelCheckTests
{
    [Fact]
    public async Task A_working_gate_passes_every_kernel_check()
    {
        await using var lab = await CheckLab.StartAsync("ck");
        var sim = lab.Emulator.Sims[0];
        Assert.True((await Gate.NetlinkCtl.Demo.TrafficProbe.PingAsync(lab.Ns, sim.Inner.Address, count: 1)).AllAnswered);

        var report = lab.Check();

        Assert.True(report.Worst == CheckVerdict.Pass, string.Join(Environment.NewLine, report.Findings));
        Assert.Equal(lab.Gate.Endpoints.Count, report.Findings.Count(f => f.Check.StartsWith("route ", StringComparison.Ordinal)));
        Assert.Contains("rx ", CheckLab.Single(report, "counters").Seen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_routing_gate_without_forwarding_fails_until_both_devices_forward_and_a_missing_egress_fails()
    {
        await using var lab = await CheckLab.StartAsync("ck");
        var gate = lab.Gate;
        lab.UseGate(gate with { Routing = new RoutingSpec(true, false, new EquatableList<IPNetwork>([IPNetwork.Parse("203.0.113.0/24")])) });

        var off = lab.Check();

        foreach (var device in new[] { gate.Interface, gate.Underlay })
        {
            var finding = CheckLab.Single(off, $"forwarding {device}");
            Assert.Equal(CheckVerdict.Fail, finding.Verdict);
            Assert.Contains("gatectl apply", finding.Fix, StringComparison.Ordinal);
        }

        foreach (var device in new[] { gate.Interface, gate.Underlay })
        {
            await lab.ExecAsync("sysctl", "-q", "-w", $"net.ipv4.conf.{device}.forwarding=1");
        }

        var on = lab.Check();
        Assert.All(on.Findings.Where(f => f.Check.StartsWith("forwarding ", StringComparison.Ordinal)), f => Assert.Equal(CheckVerdict.Pass, f.Verdict));

        lab.UseGate(gate with { Gateway = new GatewaySpec("nosuch0", false, EquatableList<IPNetwork>.Empty) });
        var missing = CheckLab.Single(lab.Check(), "forwarding nosuch0");
        Assert.Equal(CheckVerdict.Fail, missing.Verdict);
        Assert.Contains("does not exist", missing.Seen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_route_that_sends_an_endpoint_into_the_gate_fails_until_it_is_removed()
    {
        await using var lab = await CheckLab.StartAsync("ck");
        var endpoint = lab.Gate.Endpoints[0].ToString();
        await lab.IpAsync("route", "add", $"{endpoint}/32", "dev", lab.Gate.Interface);

        var broken = CheckLab.Single(lab.Check(), $"route {endpoint}");

        Assert.Equal(CheckVerdict.Fail, broken.Verdict);
        Assert.Contains($"leaves by {lab.Gate.Interface}", broken.Seen, StringComparison.Ordinal);
        Assert.Contains($"remove the route that sends {endpoint} into {lab.Gate.Interface}", broken.Fix, StringComparison.Ordinal);

        await lab.IpAsync("route", "del", $"{endpoint}/32", "dev", lab.Gate.Interface);
        Assert.Equal(CheckVerdict.Pass, CheckLab.Single(lab.Check(), $"route {endpoint}").Verdict);
    }

    [Fact]
    public async Task A_second_vxlan_device_taking_every_vni_on_4789_fails_until_it_is_deleted()
    {
        await using var lab = await CheckLab.StartAsync("ck");
        // A metadata ("external") device, as Cilium or a hand-made overlay uses: it takes every VNI on its port.
        await lab.IpAsync("link", "add", "vxforeign", "type", "vxlan", "dstport", "4789", "external");

        var broken = CheckLab.Single(lab.Check(), "port");

        Assert.Equal(CheckVerdict.Fail, broken.Verdict);
        Assert.Contains("vxforeign", broken.Seen, StringComparison.Ordinal);
        Assert.Contains("ip link del vxforeign", broken.Fix, StringComparison.Ordinal);

        await lab.IpAsync("link", "del", "vxforeign");
        Assert.Equal(CheckVerdict.Pass, CheckLab.Single(lab.Check(), "port").Verdict);
    }

    [Fact]
    public async Task Strict_rp_filter_on_an_asymmetric_underlay_fails_and_loose_passes()
    {
        await using var lab = await CheckLab.StartAsync("ck");
        var underlay = lab.Gate.Underlay;
        var endpoint = lab.Gate.Endpoints[0].ToString();
        await lab.ExecAsync("sysctl", "-qw", $"net.ipv4.conf.{underlay}.rp_filter=1");
        Assert.Equal(CheckVerdict.Warn, CheckLab.Single(lab.Check(), $"rp_filter {underlay}").Verdict);

        // The way back to one endpoint now leaves by another device: strict mode drops what arrives from it on the underlay.
        await lab.IpAsync("link", "add", "side0", "type", "veth", "peer", "name", "side1");
        await lab.IpAsync("link", "set", "side1", "up");
        await lab.IpAsync("link", "set", "side0", "up");
        await lab.IpAsync("route", "add", $"{endpoint}/32", "dev", "side0");
        var broken = CheckLab.Single(lab.Check(), $"rp_filter {underlay}");

        Assert.Equal(CheckVerdict.Fail, broken.Verdict);
        Assert.Contains(endpoint, broken.Seen, StringComparison.Ordinal);
        Assert.Contains($"net.ipv4.conf.{underlay}.rp_filter=2", broken.Fix, StringComparison.Ordinal);
        Assert.Equal(CheckVerdict.Fail, CheckLab.Single(lab.Check(), $"route {endpoint}").Verdict);

        await lab.ExecAsync("sysctl", "-qw", $"net.ipv4.conf.{underlay}.rp_filter=2");
        Assert.Equal(CheckVerdict.Pass, CheckLab.Single(lab.Check(), $"rp_filter {underlay}").Verdict);
    }

    [Fact]
    public async Task An_mtu_too_large_for_the_underlay_fails_with_the_mtu_that_fits()
    {
        await using var lab = await CheckLab.StartAsync("ck");
        // The kernel refuses a gate MTU above the underlay's minus 50, but a later, smaller underlay MTU leaves the gate's as it was.
        await lab.IpAsync("link", "set", "dev", lab.Gate.Underlay, "mtu", "1400");

        var broken = CheckLab.Single(lab.Check(), "mtu");

        Assert.Equal(CheckVerdict.Fail, broken.Verdict);
        Assert.Contains("needs 1500 bytes", broken.Seen, StringComparison.Ordinal);
        Assert.Contains("mtu: 1350", broken.Fix, StringComparison.Ordinal);

        await lab.IpAsync("link", "set", "dev", lab.Gate.Underlay, "mtu", "1500");
        Assert.Equal(CheckVerdict.Pass, CheckLab.Single(lab.Check(), "mtu").Verdict);
    }

    [Fact]
    public async Task An_underlay_without_carrier_fails()
    {
        await using var lab = await CheckLab.StartAsync("ck");
        await lab.IpAsync("link", "set", "dev", lab.Gate.Underlay, "down");

        var broken = CheckLab.Single(lab.Check(), "underlay");

        Assert.Equal(CheckVerdict.Fail, broken.Verdict);
        Assert.Contains($"ip link set dev {lab.Gate.Underlay} up", broken.Fix, StringComparison.Ordinal);
    }
}
