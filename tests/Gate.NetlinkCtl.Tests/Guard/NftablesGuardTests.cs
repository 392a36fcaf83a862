using System.Net;
using Gate.NetlinkCtl.Guard;
using Gate.NetlinkCtl.Rendering;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Rendering;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Guard;

/// <summary>The guard's table loaded, observed, compared and repaired by the real nft, in a private namespace.</summary>
public sealed class NftablesGuardTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<TestNamespace> NamespaceAsync()
    {
        Prerequisites.RequireCommand("nft", "nftables");
        Prerequisites.RequireCommand("unshare", "util-linux");
        return await TestNamespace.CreateAsync("gd");
    }

    // Another program's table, which the guard must never touch.
    private static Task<string> AddForeignTableAsync(TestNamespace ns) =>
        ns.ExecAsync("nft", "add table inet other ; add chain inet other input { type filter hook input priority 10 ; } ; add rule inet other input tcp dport 22 accept");

    private static async Task<string> WriteRulesetAsync(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"gatectl-guard-{Guid.NewGuid():N}.nft");
        await File.WriteAllTextAsync(path, text, Token);
        return path;
    }

    [Fact]
    public async Task The_rendered_ruleset_passes_nfts_check_and_loads_in_a_namespace()
    {
        await using var ns = await NamespaceAsync();
        var path = await WriteRulesetAsync(new NftablesGuard().Render(SampleStates.ThreeGates()));
        try
        {
            await ns.ExecAsync("nft", "-c", "-f", path);
            await ns.ExecAsync("nft", "-f", path);
        }
        finally
        {
            File.Delete(path);
        }

        var listing = await ns.ExecAsync("nft", "list", "table", "inet", "gatectl_guard");
        Assert.Contains("ip daddr 192.0.2.1 udp dport 4789 ip saddr { 198.51.100.7, 203.0.113.10, 203.0.113.11 } counter packets 0 bytes 0 accept", listing, StringComparison.Ordinal);
        Assert.Contains("ip daddr 192.0.2.1 udp dport 4789 counter packets 0 bytes 0 drop comment \"main: VXLAN from an unknown source\"", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("vxlan9", listing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loading_the_ruleset_again_replaces_only_gatectls_table()
    {
        await using var ns = await NamespaceAsync();
        await AddForeignTableAsync(ns);
        var guard = new NftablesGuard(ns.Name);
        var ruleset = guard.Render(SampleStates.ThreeGates());

        await guard.LoadAsync(ruleset, Token);
        await guard.LoadAsync(ruleset, Token);

        var ours = await guard.ObserveAsync(Token);
        Assert.NotNull(ours);
        Assert.Equal(4, ours.Ruleset.Rules.Count());
        var foreign = await ns.ExecAsync("nft", "list", "table", "inet", "other");
        Assert.Contains("tcp dport 22 accept", foreign, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_installs_the_table_and_a_second_apply_finds_nothing_to_do()
    {
        await using var ns = await NamespaceAsync();
        var guard = new NftablesGuard(ns.Name);
        var desired = SampleStates.ThreeGates();

        var first = await guard.ApplyAsync(desired, Token);
        var second = await guard.ApplyAsync(desired, Token);

        Assert.Equal(GuardStatus.Missing, first.Status);
        Assert.Equal(GuardStatus.InSync, second.Status);
        Assert.Equal(GuardStatus.InSync, (await guard.DiffAsync(desired, Token)).Status);
    }

    [Fact]
    public async Task Rules_flushed_by_hand_are_reported_missing_and_put_back()
    {
        await using var ns = await NamespaceAsync();
        var guard = new NftablesGuard(ns.Name);
        var desired = SampleStates.ThreeGates();
        await guard.ApplyAsync(desired, Token);

        await ns.ExecAsync("nft", "flush", "chain", "inet", "gatectl_guard", "input");
        var drift = await guard.DiffAsync(desired, Token);
        var repaired = await guard.ApplyAsync(desired, Token);

        Assert.Equal(GuardStatus.Differs, drift.Status);
        Assert.Equal(4, drift.Missing.Count);
        Assert.Empty(drift.Unexpected);
        Assert.Contains("missing rule \"main: VXLAN from an unknown source\" in chain input", drift.Describe(), StringComparison.Ordinal);
        Assert.Equal(GuardStatus.Differs, repaired.Status);
        Assert.True((await guard.DiffAsync(desired, Token)).InSync);
    }

    [Fact]
    public async Task A_rule_added_by_hand_is_reported_as_unexpected()
    {
        await using var ns = await NamespaceAsync();
        var guard = new NftablesGuard(ns.Name);
        var desired = SampleStates.ThreeGates();
        await guard.ApplyAsync(desired, Token);

        await ns.ExecAsync("nft", "add", "rule", "inet", "gatectl_guard", "input", "tcp", "dport", "22", "drop");
        var drift = await guard.DiffAsync(desired, Token);

        Assert.Equal(GuardStatus.Differs, drift.Status);
        Assert.Empty(drift.Missing);
        Assert.Contains("\"dport\"", Assert.Single(drift.Unexpected), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_endpoint_list_is_drift()
    {
        await using var ns = await NamespaceAsync();
        var guard = new NftablesGuard(ns.Name);
        var desired = SampleStates.ThreeGates();
        await guard.ApplyAsync(desired, Token);
        var moved = desired with
        {
            Gates = desired.Gates.Select((g, i) => i == 0 ? g with { Endpoints = new EquatableList<IPAddress>([IPAddress.Parse("203.0.113.99")]) } : g).ToEquatableList(),
        };

        var drift = await guard.DiffAsync(moved, Token);

        Assert.Equal(GuardStatus.Differs, drift.Status);
        Assert.Contains("203.0.113.99", Assert.Single(drift.Missing), StringComparison.Ordinal);
        Assert.Contains("203.0.113.10", Assert.Single(drift.Unexpected), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Turning_the_guard_off_removes_only_gatectls_table()
    {
        await using var ns = await NamespaceAsync();
        await AddForeignTableAsync(ns);
        var guard = new NftablesGuard(ns.Name);
        await guard.ApplyAsync(SampleStates.ThreeGates(guard: true), Token);

        var drift = await guard.ApplyAsync(SampleStates.ThreeGates(guard: false), Token);

        Assert.Equal(GuardStatus.Unwanted, drift.Status);
        Assert.Null(await guard.ObserveAsync(Token));
        var tables = await ns.ExecAsync("nft", "list", "tables");
        Assert.Contains("table inet other", tables, StringComparison.Ordinal);
        Assert.Equal(GuardStatus.Off, (await guard.DiffAsync(SampleStates.ThreeGates(guard: false), Token)).Status);
    }

    [Fact]
    public async Task Restore_puts_the_table_back_exactly_as_it_was_observed()
    {
        await using var ns = await NamespaceAsync();
        var guard = new NftablesGuard(ns.Name);
        await guard.ApplyAsync(SampleStates.ThreeGates(), Token);
        var before = await guard.ObserveAsync(Token);
        var other = SampleStates.ThreeGates() with { Gates = new EquatableList<GateSpec>([SampleStates.ThreeGates().Gates[1]]) };
        await guard.ApplyAsync(other, Token);

        await guard.RestoreAsync(before, Token);

        Assert.Equal(before!.Ruleset, (await guard.ObserveAsync(Token))!.Ruleset);
    }

    [Fact]
    public async Task A_template_that_touches_another_table_is_refused_before_the_host_is_changed()
    {
        await using var ns = await NamespaceAsync();
        var dir = Directory.CreateTempSubdirectory("gatectl-templates-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "nftables"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "nftables", "bad.sbn"), """
                +++
                each = "host"
                output = "bad.nft"
                +++
                table inet filter {
                	chain input { type filter hook input priority 0; policy drop; }
                }
                """, Token);
            var guard = new NftablesGuard(ns.Name, new StateRenderer(TemplateSource.FromDirectory(dir.FullName)));

            var error = await Assert.ThrowsAsync<GuardException>(() => guard.ApplyAsync(SampleStates.ThreeGates(), Token));

            Assert.Contains("only ever loads table inet gatectl_guard", error.Message, StringComparison.Ordinal);
            Assert.Equal("", (await ns.ExecAsync("nft", "list", "ruleset")).Trim());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
