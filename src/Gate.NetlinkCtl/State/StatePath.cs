namespace Gate.NetlinkCtl.State;

/// <summary>Builds and splits field paths such as <c>gates[1].endpoints[0]</c>.</summary>
internal static class StatePath
{
    /// <summary>The path of a key inside <paramref name="parent"/>.</summary>
    public static string Key(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    /// <summary>The path of an item of the list at <paramref name="list"/>.</summary>
    public static string Item(string list, int index) => $"{list}[{index}]";

    /// <summary>The path of the <paramref name="index"/>th gate.</summary>
    public static string Gate(int index) => Item("gates", index);

    /// <summary>The enclosing path: <c>gates[1].vni</c> -> <c>gates[1]</c> -> <c>gates</c> -> empty.</summary>
    public static string Parent(string path)
    {
        // A key may itself hold '[', ']' or '.' (an unknown key in a hostile file): never cut before the start.
        if (path.EndsWith(']') && path.LastIndexOf('[') is var open and >= 0)
        {
            return path[..open];
        }

        var dot = path.LastIndexOf('.');
        return dot < 0 ? string.Empty : path[..dot];
    }
}
