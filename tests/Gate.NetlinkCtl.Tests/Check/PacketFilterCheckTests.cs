using System.Text.RegularExpressions;
using Gate.NetlinkCtl.Check;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Guard;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Check;

/// <summary>The packet-filter check against real nftables rules in the peer's namespace, read back over netlink.</summary>
public sealed partial class PacketFilterCheckTests
{
    [Fact]
    public async Task A_foreign_nftables_drop_of_udp_4789_fails_and_the_suggested_accept_fixes_it()
    {
        await using var lab = await LabAsync();
        await lab.ExecAsync("nft", "add table inet foreign { chain input { type filter hook input priority 0; policy accept; udp dport 4789 drop; }; }");

        var broken = CheckLab.Single(lab.Check(), "filter");

        Assert.Equal(CheckVerdict.Fail, broken.Verdict);
        Assert.Matches(@"^table inet foreign chain input handle \d+ drops UDP 4789 from ", broken.Seen);
        Assert.Contains(lab.Gate.Endpoints[0].ToString(), broken.Seen, StringComparison.Ordinal);
        Assert.Contains("nft delete rule inet foreign input handle", broken.Fix, StringComparison.Ordinal);

        // The fix as printed, run as printed (one argument: nft parses it whole).
        var insert = InsertCommand().Match(broken.Fix!).Groups[1].Value;
        await lab.ExecAsync("nft", insert);
        Assert.Equal(CheckVerdict.Pass, CheckLab.Single(lab.Check(), "filter").Verdict);
    }

    [Fact]
    public async Task A_drop_policy_without_an_accept_for_the_endpoints_fails_and_an_accept_for_them_passes()
    {
        await using var lab = await LabAsync();
        await lab.ExecAsync("nft", "add table inet host { chain input { type filter hook input priority 0; policy drop; ct state established,related accept; iif lo accept; }; }");

        var broken = CheckLab.Single(lab.Check(), "filter");

        Assert.Equal(CheckVerdict.Fail, broken.Verdict);
        Assert.StartsWith("table inet host chain input (policy drop) drops UDP 4789", broken.Seen, StringComparison.Ordinal);
        Assert.Contains("nft add rule inet host input ip saddr {", broken.Fix, StringComparison.Ordinal);

        var endpoints = string.Join(", ", lab.Gate.Endpoints);
        await lab.ExecAsync("nft", $"add rule inet host input ip saddr {{ {endpoints} }} udp dport 4789 accept");
        Assert.Equal(CheckVerdict.Pass, CheckLab.Single(lab.Check(), "filter").Verdict);
    }

    [Fact]
    public async Task A_drop_of_other_sources_or_ports_passes()
    {
        await using var lab = await LabAsync();
        await lab.ExecAsync("nft", "add table ip other { chain pre { type filter hook prerouting priority -150; udp dport 8472 drop; ip saddr 203.0.113.0/24 udp dport 4789 drop; udp dport { 4000-4788, 4790-5000 } drop; }; }");

        var finding = CheckLab.Single(lab.Check(), "filter");

        Assert.True(finding.Verdict == CheckVerdict.Pass, finding.ToString());
    }

    [Fact]
    public async Task An_iptables_nft_drop_is_named_with_an_iptables_fix_and_a_conntrack_match_is_a_warning()
    {
        await using var lab = await LabAsync();
        Prerequisites.RequireCommand("iptables", "iptables");
        await lab.ExecAsync("iptables", "-A", "INPUT", "-p", "udp", "--dport", "4789", "-j", "DROP");

        var broken = CheckLab.Single(lab.Check(), "filter");

        Assert.Equal(CheckVerdict.Fail, broken.Verdict);
        Assert.Matches(@"^table ip filter chain INPUT handle \d+ drops UDP 4789", broken.Seen);
        Assert.Contains($"iptables -t filter -I INPUT -p udp -s {lab.Gate.Endpoints[0]} -d {lab.Gate.Local} --dport 4789 -j ACCEPT", broken.Fix, StringComparison.Ordinal);

        await lab.ExecAsync("iptables", "-F", "INPUT");
        await lab.ExecAsync("iptables", "-A", "INPUT", "-p", "udp", "--dport", "4789", "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP");
        var maybe = CheckLab.Single(lab.Check(), "filter");

        Assert.Equal(CheckVerdict.Warn, maybe.Verdict);
        Assert.Contains("may drop", maybe.Seen, StringComparison.Ordinal);
        Assert.Contains("the iptables match 'conntrack'", maybe.Seen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gatectls_own_guard_passes_the_endpoints_and_a_source_it_does_not_know_fails()
    {
        await using var lab = await LabAsync();
        var guarded = lab.State with { Host = lab.State.Host with { Guard = true } };
        var context = new ReconcileContext(lab.Ns, BackendKind.Netlink) { LockDirectory = lab.Emulator.WorkDirectory };
        var applied = await new GateReconciler(BackendSelector.Default, [new GuardExtension()]).ApplyAsync(guarded, context, TestContext.Current.CancellationToken);
        Assert.True(applied.Succeeded, applied.Failure?.ToString());

        Assert.Equal(CheckVerdict.Pass, CheckLab.Single(lab.Check(), "filter").Verdict);

        // A peer the guard was never told of: its set holds only the applied state's endpoints.
        lab.UseGate(lab.Gate with { Peers = new([new PeerSpec(System.Net.IPAddress.Parse("203.0.113.77"), null, "unknown")]) });
        var broken = CheckLab.Single(lab.Check(), "filter");
        Assert.Equal(CheckVerdict.Fail, broken.Verdict);
        Assert.Contains("table inet gatectl_guard", broken.Seen, StringComparison.Ordinal);
        Assert.Contains("from 203.0.113.77", broken.Seen, StringComparison.Ordinal);
        Assert.Contains("run 'gatectl apply'", broken.Fix, StringComparison.Ordinal);
    }

    private static async Task<CheckLab> LabAsync()
    {
        Prerequisites.RequireCommand("nft", "nftables");
        return await CheckLab.StartAsync("cf");
    }

    [GeneratedRegex("'nft (insert rule [^']+)'")]
    private static partial Regex InsertCommand();
}
