using System.Net;
using System.Text.Json.Nodes;
using Gate.NetlinkCtl.Guard;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Rendering;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Guard;

/// <summary>
/// The guard's table programmed over netlink, observed, compared and repaired in a private namespace; the real
/// nft is only the witness (listing, hand-made drift, the monitor).
/// </summary>
public sealed class NftablesGuardTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<TestNamespace> NamespaceAsync()
    {
        Prerequisites.RequireCommand("nft", "nftables");
        return await TestNamespace.CreateAsync("gd");
    }

    // Another program's table, which the guard must never touch: it even drops VXLAN itself.
    private static Task<string> AddForeignTableAsync(TestNamespace ns) =>
        ns.ExecAsync("nft", "add table inet filter ; add chain inet filter input { type filter hook input priority 10 ; } ; add rule inet filter input udp dport 4789 drop");

    private static DesiredState WithMainEndpoints(DesiredState desired, params string[] endpoints) => desired with
    {
        Gates = desired.Gates.Select(g => g.Name == "main" ? g with { Endpoints = endpoints.Select(IPAddress.Parse).ToEquatableList() } : g).ToEquatableList(),
    };

    [Fact]
    public async Task The_table_gatectl_programs_lists_in_nft_exactly_as_the_rendered_file_loaded_by_nft()
    {
        await using var programmed = await NamespaceAsync();
        await using var loaded = await NamespaceAsync();
        var desired = SampleStates.ThreeGates();
        desired = desired with { Gates = desired.Gates.Append(SampleStates.Gate("edge-1.b", "vxlan2", 40, "eth0", "192.0.2.2", "198.18.40.2/24", null, false, [], [], [])).ToEquatableList() };
        var path = Path.Combine(Path.GetTempPath(), $"gatectl-guard-{Guid.NewGuid():N}.nft");
        await File.WriteAllTextAsync(path, NftablesGuard.Render(desired), Token);
        try
        {
            await new NftablesGuard(programmed.Name).ApplyAsync(desired, Token);
            await loaded.ExecAsync("nft", "-f", path);
        }
        finally
        {
            File.Delete(path);
        }

        var ours = Normalized(await programmed.ExecAsync("nft", "-j", "list", "table", "inet", "gatectl_guard"));
        var theirs = Normalized(await loaded.ExecAsync("nft", "-j", "list", "table", "inet", "gatectl_guard"));

        Assert.Equal(theirs, ours);
        Assert.Contains("\"sources_edge-1.b\"", ours, StringComparison.Ordinal);
        Assert.Equal(6, JsonNode.Parse(ours)!["nftables"]!.AsArray().Count(e => e?["rule"] is not null));
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
        var listing = await ns.ExecAsync("nft", "list", "table", "inet", "gatectl_guard");
        Assert.Contains("ip daddr 192.0.2.1 udp dport 4789 ip saddr @sources_main counter packets 0 bytes 0 accept comment \"main: VPG endpoints and peers\"", listing, StringComparison.Ordinal);
        Assert.Contains("elements = { ", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("sources_old", listing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_one_endpoint_changes_exactly_one_set_element_as_the_nft_monitor_sees_it()
    {
        await using var ns = await NamespaceAsync();
        var guard = new NftablesGuard(ns.Name);
        var desired = SampleStates.ThreeGates();
        await guard.ApplyAsync(desired, Token);
        var moved = WithMainEndpoints(desired, "203.0.113.10", "203.0.113.99");

        var drift = await guard.DiffAsync(moved, Token);
        var events = await NftMonitor.WatchAsync(ns, () => guard.ApplyAsync(moved, Token), Token);

        Assert.True(drift.ElementsOnly);
        Assert.Equal(["element 203.0.113.99 in set sources_main"], drift.Missing);
        Assert.Equal(["element 203.0.113.11 in set sources_main"], drift.Unexpected);
        Assert.Equal(
            ["delete element inet gatectl_guard sources_main { 203.0.113.11 }", "add element inet gatectl_guard sources_main { 203.0.113.99 }"],
            events);
        Assert.True((await guard.DiffAsync(moved, Token)).InSync);
    }

    [Fact]
    public async Task An_element_added_or_deleted_by_hand_is_drift_and_only_that_element_is_repaired()
    {
        await using var ns = await NamespaceAsync();
        var guard = new NftablesGuard(ns.Name);
        var desired = SampleStates.ThreeGates();
        await guard.ApplyAsync(desired, Token);
        var handles = (await guard.ObserveAsync(Token))!.Table.Rules.Select(r => r.Handle).ToList();

        await ns.ExecAsync("nft", "add", "element", "inet", "gatectl_guard", "sources_main", "{ 198.51.100.66 }");
        await ns.ExecAsync("nft", "delete", "element", "inet", "gatectl_guard", "sources_lab", "{ 203.0.113.20 }");
        var drift = await guard.DiffAsync(desired, Token);
        await guard.ApplyAsync(desired, Token);

        Assert.Equal(GuardStatus.Differs, drift.Status);
        Assert.True(drift.ElementsOnly);
        Assert.Equal(["element 203.0.113.20 in set sources_lab"], drift.Missing);
        Assert.Equal(["element 198.51.100.66 in set sources_main"], drift.Unexpected);
        Assert.True((await guard.DiffAsync(desired, Token)).InSync);
        Assert.Equal(handles, (await guard.ObserveAsync(Token))!.Table.Rules.Select(r => r.Handle).ToList());
    }

    [Fact]
    public async Task A_rule_changed_by_hand_is_drift_and_apply_puts_the_table_back()
    {
        await using var ns = await NamespaceAsync();
        var guard = new NftablesGuard(ns.Name);
        var desired = SampleStates.ThreeGates();
        await guard.ApplyAsync(desired, Token);
        var drop = (await guard.ObserveAsync(Token))!.Table.Rules.First(r => r.Comment == "main: VXLAN from an unknown source");

        await ns.ExecAsync("nft", "replace", "rule", "inet", "gatectl_guard", "input", "handle", drop.Handle.ToString(),
            "ip", "daddr", "192.0.2.1", "udp", "dport", "4789", "counter", "accept", "comment", "\"main: VXLAN from an unknown source\"");
        var drift = await guard.DiffAsync(desired, Token);
        await guard.ApplyAsync(desired, Token);

        Assert.Equal(GuardStatus.Differs, drift.Status);
        Assert.False(drift.ElementsOnly);
        Assert.Contains("missing rule \"main: VXLAN from an unknown source\" in chain input", drift.Describe(), StringComparison.Ordinal);
        Assert.Contains("unexpected rule \"main: VXLAN from an unknown source\" in chain input", drift.Describe(), StringComparison.Ordinal);
        Assert.True((await guard.DiffAsync(desired, Token)).InSync);
        Assert.Contains("counter packets 0 bytes 0 drop comment \"main: VXLAN from an unknown source\"", await ns.ExecAsync("nft", "list", "table", "inet", "gatectl_guard"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rule_added_by_hand_is_reported_as_unexpected_and_removed()
    {
        await using var ns = await NamespaceAsync();
        var guard = new NftablesGuard(ns.Name);
        var desired = SampleStates.ThreeGates();
        await guard.ApplyAsync(desired, Token);

        await ns.ExecAsync("nft", "add", "rule", "inet", "gatectl_guard", "input", "tcp", "dport", "22", "drop");
        var drift = await guard.DiffAsync(desired, Token);
        await guard.ApplyAsync(desired, Token);

        Assert.Equal(GuardStatus.Differs, drift.Status);
        Assert.Empty(drift.Missing);
        Assert.StartsWith("rule in chain input: meta(", Assert.Single(drift.Unexpected), StringComparison.Ordinal);
        Assert.Equal(4, (await guard.ObserveAsync(Token))!.Table.Rules.Count);
    }

    [Fact]
    public async Task The_whole_table_deleted_by_hand_is_missing_and_put_back()
    {
        await using var ns = await NamespaceAsync();
        var guard = new NftablesGuard(ns.Name);
        var desired = SampleStates.ThreeGates();
        await guard.ApplyAsync(desired, Token);

        await ns.ExecAsync("nft", "delete", "table", "inet", "gatectl_guard");
        var drift = await guard.DiffAsync(desired, Token);
        var repaired = await guard.ApplyAsync(desired, Token);

        Assert.Equal(GuardStatus.Missing, drift.Status);
        Assert.Equal("table inet gatectl_guard is missing (4 rules to add)", drift.Describe());
        Assert.Equal(GuardStatus.Missing, repaired.Status);
        Assert.True((await guard.DiffAsync(desired, Token)).InSync);
    }

    [Fact]
    public async Task A_foreign_filter_table_that_drops_vxlan_is_untouched_by_create_change_and_delete()
    {
        await using var ns = await NamespaceAsync();
        await AddForeignTableAsync(ns);
        var before = await ns.ExecAsync("nft", "list", "table", "inet", "filter");
        var guard = new NftablesGuard(ns.Name);

        await guard.ApplyAsync(SampleStates.ThreeGates(), Token);
        await guard.ApplyAsync(WithMainEndpoints(SampleStates.ThreeGates(), "203.0.113.12"), Token);
        var removed = await guard.ApplyAsync(SampleStates.ThreeGates(guard: false), Token);

        Assert.Equal(GuardStatus.Unwanted, removed.Status);
        Assert.Null(await guard.ObserveAsync(Token));
        Assert.Equal(before, await ns.ExecAsync("nft", "list", "table", "inet", "filter"));
        Assert.Equal(GuardStatus.Off, (await guard.DiffAsync(SampleStates.ThreeGates(guard: false), Token)).Status);
    }

    [Fact]
    public async Task Restore_puts_the_table_back_exactly_as_it_was_observed_even_a_hand_made_rule()
    {
        await using var ns = await NamespaceAsync();
        var guard = new NftablesGuard(ns.Name);
        await guard.ApplyAsync(SampleStates.ThreeGates(), Token);
        await ns.ExecAsync("nft", "add", "rule", "inet", "gatectl_guard", "input", "tcp", "dport", "22", "log", "drop");
        var before = (await guard.ObserveAsync(Token))!;
        var listing = Normalized(await ns.ExecAsync("nft", "-j", "list", "table", "inet", "gatectl_guard"));
        var other = SampleStates.ThreeGates() with { Gates = new EquatableList<GateSpec>([SampleStates.ThreeGates().Gates[1]]) };
        await guard.ApplyAsync(other, Token);

        await guard.RestoreAsync(before, Token);

        Assert.Equal(listing, Normalized(await ns.ExecAsync("nft", "-j", "list", "table", "inet", "gatectl_guard")));
    }

    // nft's JSON without what two equal tables may differ in: kernel handles, and the order of set elements (a hash).
    private static string Normalized(string json)
    {
        var root = JsonNode.Parse(json)!;
        foreach (var entry in root["nftables"]!.AsArray())
        {
            var body = entry!.AsObject().First().Value as JsonObject;
            body?.Remove("handle");
            if (body?["elem"] is JsonArray elements)
            {
                body["elem"] = new JsonArray(elements.Select(e => e!.DeepClone()).OrderBy(e => e.ToJsonString(), StringComparer.Ordinal).ToArray());
            }
        }

        return root.ToJsonString();
    }
}
