using System.Text.Json;
using System.Text.Json.Nodes;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Guard;

/// <summary>
/// gatectl's nftables table in a canonical form that two rulesets can be compared by: nft's own JSON of each
/// chain, set and rule, without kernel handles or counter values. Rules keep their order (it is their meaning);
/// the other objects are sorted.
/// </summary>
/// <param name="Objects">The canonical JSON of each object: non-rule objects sorted, then the rules in order.</param>
public sealed record GuardRuleset(EquatableList<string> Objects)
{
    /// <summary>The rules only, in order.</summary>
    public IEnumerable<string> Rules => Objects.Where(o => o.StartsWith("{\"rule\"", StringComparison.Ordinal));

    /// <summary>Reads the output of <c>nft -j list table inet gatectl_guard</c>.</summary>
    public static GuardRuleset FromListing(string json) => FromObjects(Entries(json).Select(e => e.Object), "the listing of the table");

    /// <summary>Reads the output of <c>nft -e -j -f</c> (the echo of what a load added), refusing objects outside gatectl's table.</summary>
    public static GuardRuleset FromEcho(string json) =>
        FromObjects(Entries(json).Where(e => e.Command is "add" or "insert" or "create").Select(e => e.Object), "the rendered ruleset");

    /// <summary>A short description of one canonical object, for people: a rule's comment, or its kind and name.</summary>
    public static string Describe(string canonical)
    {
        var node = JsonNode.Parse(canonical)!.AsObject().First();
        var body = node.Value!.AsObject();
        return node.Key switch
        {
            "rule" when body["comment"] is { } comment => $"rule \"{comment.GetValue<string>()}\" in chain {body["chain"]}",
            "rule" => $"rule in chain {body["chain"]}: {body["expr"]?.ToJsonString()}",
            _ => $"{node.Key} {body["name"]}",
        };
    }

    private static GuardRuleset FromObjects(IEnumerable<JsonObject> objects, string what)
    {
        var rules = new List<string>();
        var others = new List<string>();
        foreach (var wrapper in objects)
        {
            var (kind, body) = (wrapper.First().Key, wrapper.First().Value!.AsObject());
            if (kind == "metainfo")
            {
                continue;
            }

            var family = body["family"]?.GetValue<string>();
            var table = kind == "table" ? body["name"]?.GetValue<string>() : body["table"]?.GetValue<string>();
            if (family != GuardTable.Family || table != GuardTable.Name)
            {
                throw new GuardException(
                    $"{what} touches {kind} '{body["name"] ?? body["chain"]}' in table '{family} {table}': the guard only ever loads table {GuardTable.Display}; fix the nftables template");
            }

            if (kind == "table")
            {
                continue;
            }

            var canonical = new JsonObject { [kind] = Canonical(body) }.ToJsonString();
            (kind == "rule" ? rules : others).Add(canonical);
        }

        others.Sort(StringComparer.Ordinal);
        return new GuardRuleset(others.Concat(rules).ToEquatableList());
    }

    // Handles are the kernel's numbering, counters count traffic, and a set's elements have no order (nft echoes
    // them as written but lists them as the kernel keeps them): none of that is part of what was asked for.
    private static JsonObject Canonical(JsonObject body)
    {
        var copy = body.DeepClone().AsObject();
        copy.Remove("handle");
        Normalize(copy);
        return copy;
    }

    private static void Normalize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in (string[])["packets", "bytes"])
                {
                    if (o[key] is JsonValue)
                    {
                        o[key] = 0;
                    }
                }

                if (o["set"] is JsonArray elements)
                {
                    var sorted = elements.Select(e => e?.DeepClone()).OrderBy(e => e?.ToJsonString(), StringComparer.Ordinal).ToArray();
                    o["set"] = new JsonArray(sorted);
                }

                foreach (var child in o.Select(p => p.Value).ToList())
                {
                    Normalize(child);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Normalize(child);
                }

                break;
        }
    }

    /// <summary>The command and object of each entry of an nft JSON document (command null in listings).</summary>
    internal static IEnumerable<(string? Command, JsonObject Object)> Entries(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new GuardException($"nft printed JSON gatectl cannot read ({e.Message}); is nftables older than 0.9?", e);
        }

        foreach (var entry in root?["nftables"]?.AsArray() ?? [])
        {
            var wrapper = entry!.AsObject();
            var (key, value) = (wrapper.First().Key, wrapper.First().Value);
            if (key is "add" or "insert" or "create" or "delete" or "flush" or "replace" or "destroy")
            {
                yield return (key, value!.AsObject());
            }
            else
            {
                yield return (null, wrapper);
            }
        }
    }
}
