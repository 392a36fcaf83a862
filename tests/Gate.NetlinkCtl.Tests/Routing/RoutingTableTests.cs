using System.Net;
using System.Text.Json.Nodes;
using Gate.NetlinkCtl.Guard;
using Gate.NetlinkCtl.Netlink;
using Gate.NetlinkCtl.Rendering;
using Gate.NetlinkCtl.Routing;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Rendering;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Routing;

/// <summary>gatectl's routing table, programmed in-process, against the file the nftables format renders, loaded by nft.</summary>
public sealed class RoutingTableTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static DesiredState TwoRoutedGates()
    {
        var three = SampleStates.ThreeGates();
        var sources = new EquatableList<IPNetwork>([IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("203.0.113.7/32")]);
        return three with
        {
            Gates = three.Gates.Select((g, i) => i switch
            {
                0 => g with
                {
                    Routing = new RoutingSpec(true, true, sources),
                    Gateway = new GatewaySpec("eth2", false, new EquatableList<IPNetwork>([IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("192.0.2.128/25")])),
                },
                1 => g with
                {
                    Routing = new RoutingSpec(true, false, new EquatableList<IPNetwork>([IPNetwork.Parse("198.51.100.0/25")])),
                    Gateway = new GatewaySpec("eth1", true, EquatableList<IPNetwork>.Empty),
                },
                _ => g,
            }).ToEquatableList(),
        };
    }

    [Fact]
    public async Task The_table_gatectl_programs_lists_in_nft_exactly_as_the_rendered_file_loaded_by_nft_and_reads_back_in_sync()
    {
        Prerequisites.RequireCommand("nft", "nftables");
        await using var programmed = await TestNamespace.CreateAsync("rt");
        await using var loaded = await TestNamespace.CreateAsync("rt");
        var desired = TwoRoutedGates();
        var wanted = RoutingTable.For(desired)!;
        var file = Assert.Single(StateRenderer.Default.Render(desired, RenderFormat.Nftables, "state.yaml"), f => f.RelativePath == "gatectl-routing.nft");
        var path = Path.Combine(Path.GetTempPath(), $"gatectl-routing-{Guid.NewGuid():N}.nft");
        await File.WriteAllTextAsync(path, file.Content, Token);
        try
        {
            using (var client = NfTablesClient.Open(programmed.Name))
            {
                client.Commit(new NfTransaction().ReplaceTable(wanted));
            }

            await loaded.ExecAsync("nft", "-f", path);
        }
        finally
        {
            File.Delete(path);
        }

        var ours = Normalized(await programmed.ExecAsync("nft", "-j", "list", "table", "inet", RoutingTable.Name));
        var theirs = Normalized(await loaded.ExecAsync("nft", "-j", "list", "table", "inet", RoutingTable.Name));
        Assert.Equal(theirs, ours);
        // Routing: 2 + 1 sources, two accepts each, one masquerade per source of the first gate; gateways: one accept per
        // destination (two for the first, 0.0.0.0/0 for the second) and one for answers, one masquerade for the second;
        // two drops per gate.
        Assert.Equal(6 + 2 + 3 + 2 + 4 + 1, JsonNode.Parse(ours)!["nftables"]!.AsArray().Count(e => e?["rule"] is not null));
        using var reader = NfTablesClient.Open(loaded.Name);
        var observed = reader.ReadTable(RoutingTable.Name)!;
        var drift = GuardDrift.Compare(wanted, observed);
        Assert.True(drift.InSync, "a table nft loaded from the rendered file must read as in sync: "
            + string.Join(" | ", observed.Rules.Zip(wanted.Rules).Where(p => !p.First.SameAs(p.Second)).Take(1).Select(p => $"nft: {p.First.Text} // gatectl: {p.Second.Text}")));
    }

    [Fact]
    public void Without_a_routing_gate_nothing_is_wanted_and_nothing_is_rendered()
    {
        var desired = SampleStates.ThreeGates();
        Assert.Null(RoutingTable.For(desired));
        Assert.DoesNotContain(StateRenderer.Default.Render(desired, RenderFormat.Nftables, "state.yaml"), f => f.RelativePath == "gatectl-routing.nft");
        var notForwarding = desired with { Gates = desired.Gates.Select(g => g with { Routing = new RoutingSpec(false, false, EquatableList<IPNetwork>.Empty) }).ToEquatableList() };
        Assert.Null(RoutingTable.For(notForwarding));
    }

    // nft's JSON without kernel handles, which differ between two equal tables.
    private static string Normalized(string json)
    {
        var root = JsonNode.Parse(json)!;
        foreach (var entry in root["nftables"]!.AsArray())
        {
            (entry!.AsObject().First().Value as JsonObject)?.Remove("handle");
        }

        return root.ToJsonString();
    }
}
