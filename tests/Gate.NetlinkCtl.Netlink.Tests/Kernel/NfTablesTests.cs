using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Netlink.Tests.Kernel;

public sealed class NfTablesTests
{
    [Fact]
    public async Task A_table_exists_only_after_nft_made_it_and_only_in_its_own_namespace()
    {
        await using var ns = await TestNamespace.CreateAsync("nft");
        await using var other = await TestNamespace.CreateAsync("nft");
        Prerequisites.RequireCommand("nft", "nftables");

        var before = NfTables.TableExists(ns.Name, NfTables.InetFamily, "gatectl_guard");
        await ns.ExecAsync("nft", "add", "table", "inet", "gatectl_guard");
        var after = NfTables.TableExists(ns.Name, NfTables.InetFamily, "gatectl_guard");
        var elsewhere = NfTables.TableExists(other.Name, NfTables.InetFamily, "gatectl_guard");
        var otherFamily = NfTables.TableExists(ns.Name, 2, "gatectl_guard"); // NFPROTO_IPV4: "ip gatectl_guard"

        Assert.Equal((false, true, false, false), (before, after, elsewhere, otherFamily));
    }
}
