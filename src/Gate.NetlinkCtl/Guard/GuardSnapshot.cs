using System.Text.Json.Nodes;

namespace Gate.NetlinkCtl.Guard;

/// <summary>gatectl's table as it was observed, kept so that a failed apply can put it back exactly.</summary>
/// <param name="Ruleset">Its canonical form.</param>
/// <param name="Listing">The raw output of <c>nft -j list table inet gatectl_guard</c>.</param>
public sealed record GuardSnapshot(GuardRuleset Ruleset, string Listing)
{
    /// <summary>
    /// An nft JSON transaction that replaces gatectl's table with this snapshot atomically: create the table
    /// (so the delete cannot fail), delete it, then add it with its objects as listed (without kernel handles).
    /// </summary>
    public string RestoreTransaction()
    {
        var table = new JsonObject { ["family"] = GuardTable.Family, ["name"] = GuardTable.Name };
        var commands = new JsonArray(
            new JsonObject { ["add"] = new JsonObject { ["table"] = table.DeepClone() } },
            new JsonObject { ["delete"] = new JsonObject { ["table"] = table.DeepClone() } },
            new JsonObject { ["add"] = new JsonObject { ["table"] = table.DeepClone() } });
        var objects = GuardRuleset.Entries(Listing)
            .Select(e => e.Object)
            .Where(o => o.First().Key is not ("metainfo" or "table"))
            .OrderBy(o => o.First().Key == "rule" ? 1 : 0);
        foreach (var entry in objects)
        {
            var (kind, body) = (entry.First().Key, entry.First().Value!.DeepClone().AsObject());
            body.Remove("handle");
            commands.Add((JsonNode)new JsonObject { ["add"] = new JsonObject { [kind] = body } });
        }

        return new JsonObject { ["nftables"] = commands }.ToJsonString();
    }
}
