using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using YamlDotNet.RepresentationModel;

namespace Gate.NetlinkCtl.State;

/// <summary>
/// Reads one YAML mapping of a state file by hand: refuses unknown keys (suggesting the near miss),
/// records where every value sits, and turns each scalar into a typed value or a located error.
/// A field that cannot be read yields null and is marked broken, so reading goes on and every error is found.
/// </summary>
internal sealed class YamlFields
{
    private readonly YamlMappingNode _node;
    private readonly LoadContext _context;
    private readonly Dictionary<string, YamlNode> _values = new(StringComparer.Ordinal);

    private YamlFields(YamlMappingNode node, string path, LoadContext context)
    {
        _node = node;
        Path = path;
        _context = context;
    }

    /// <summary>The mapping's own path.</summary>
    public string Path { get; }

    /// <summary>Reads <paramref name="node"/> as a mapping with the given keys, or reports what it is instead and returns null.</summary>
    /// <param name="refused">Keys that must never be written here, each with the message that says why and what to do instead.</param>
    public static YamlFields? Open(
        YamlNode node, string path, string what, IReadOnlyList<string> keys, LoadContext context, IReadOnlyDictionary<string, string>? refused = null)
    {
        context.Map.Record(path, Mark(node));
        if (node is not YamlMappingNode mapping)
        {
            context.Error(path, node, $"{Describe(node)} is not {what}; expected a mapping with the keys {string.Join(", ", keys)}");
            return null;
        }

        var fields = new YamlFields(mapping, path, context);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                context.Error(path, keyNode, $"{Describe(keyNode)} is used as a key; expected one of {string.Join(", ", keys)}");
                continue;
            }

            var keyPath = StatePath.Key(path, key);
            if (refused is not null && refused.TryGetValue(key, out var refusal))
            {
                // The value is never echoed: a refused key may hold a secret.
                context.Error(keyPath, keyNode, refusal);
                continue;
            }

            if (!keys.Contains(key))
            {
                var suggestion = KeySuggestion.Closest(key, keys);
                context.Error(keyPath, keyNode, suggestion is not null
                    ? $"unknown key {StateText.Quote(key)}; did you mean '{suggestion}'?"
                    : $"unknown key {StateText.Quote(key)}; expected one of {string.Join(", ", keys)}");
                if (suggestion is not null && !mapping.Children.ContainsKey(new YamlScalarNode(suggestion)))
                {
                    // The misspelt key stands for the suggested one: its absence is not a second error.
                    context.Map.MarkBroken(StatePath.Key(path, suggestion));
                }

                continue;
            }

            context.Map.Record(keyPath, Mark(value));
            fields._values[key] = value;
        }

        return fields;
    }

    /// <summary>Reads <paramref name="node"/> as a mapping shaped by <paramref name="block"/>, or reports what it is instead and returns null.</summary>
    public static YamlFields? Open(YamlNode node, string path, SchemaBlock block, LoadContext context) =>
        Open(node, path, block.What, block.Names, context, block.Refused);

    /// <summary>The value of a scalar key: required ones are reported when missing, optional ones take the key's fallback.</summary>
    public T? Read<T>(ScalarKey<T> key) where T : struct =>
        key.IsRequired ? Required(key.Name, key.Expected, key.Parse) : Optional(key.Name, key.Expected, key.Parse) ?? key.Fallback;

    /// <summary>The value of a text key.</summary>
    public string? Read(ScalarKey<TextValue> key) => Read<TextValue>(key)?.Value;

    /// <summary>
    /// The value of an integer key narrowed to its range (values outside it get the range message the validator uses);
    /// its fallback when left out or unreadable (then reported).
    /// </summary>
    public long? Read(IntegerKey key)
    {
        var value = key.IsRequired ? Required(key.Name, key.Expected, Parsers.Integer) : Optional(key.Name, key.Expected, Parsers.Integer);
        if (value is null)
        {
            return key.Fallback;
        }

        if (value < key.Min || value > key.Max)
        {
            _context.Error(PathOf(key.Name), Node(key.Name)!, StateLimits.OutOfRange(value, key.Expected));
            return key.Fallback;
        }

        return value;
    }

    /// <summary>The items of a list of single values, each null when unreadable (then reported).</summary>
    public IEnumerable<T?> Read<T>(ListKey<T> key) where T : struct =>
        List(key.Name, key.Expected).Select(item => Scalar(item.Node, item.Path, key.ItemExpected, key.ParseItem, _context)).ToList();

    /// <summary>The items of a list of mappings, with their paths.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)> Items(MappingListKey key) => List(key.Name, key.Expected);

    /// <summary>The raw node of <paramref name="key"/>, when present.</summary>
    public YamlNode? Node(string key) => _values.GetValueOrDefault(key);

    /// <summary>The raw node of <paramref name="key"/>, when present.</summary>
    public YamlNode? Node(SchemaKey key) => Node(key.Name);

    /// <summary>The path of <paramref name="key"/> in this mapping.</summary>
    public string PathOf(string key) => StatePath.Key(Path, key);

    /// <summary>The path of <paramref name="key"/> in this mapping.</summary>
    public string PathOf(SchemaKey key) => PathOf(key.Name);

    /// <summary>A required scalar turned into a value; reports a missing key with <paramref name="expected"/>.</summary>
    public T? Required<T>(string key, string expected, ScalarParser<T> parse) where T : struct
    {
        if (Node(key) is null && _context.Map.IsBroken(PathOf(key)))
        {
            return null;
        }

        if (Node(key) is null || IsNull(Node(key)!))
        {
            var message = Node(key) is null ? $"{StateText.Quote(key)} is missing; {expected}" : $"{StateText.Quote(key)} has no value; {expected}";
            _context.Error(PathOf(key), Node(key) ?? _node, message);
            return null;
        }

        return Optional(key, expected, parse);
    }

    /// <summary>An optional scalar turned into a value; null when absent, empty or unreadable (then reported).</summary>
    public T? Optional<T>(string key, string expected, ScalarParser<T> parse) where T : struct =>
        Node(key) is { } node && !IsNull(node) ? Scalar(node, PathOf(key), expected, parse) : null;

    /// <summary>A required text value.</summary>
    public string? RequiredText(string key, string expected)
    {
        var text = Required(key, expected, Parsers.Text);
        return text?.Value;
    }

    /// <summary>An optional text value.</summary>
    public string? OptionalText(string key, string expected) => Optional(key, expected, Parsers.Text)?.Value;

    /// <summary>The items of a list under <paramref name="key"/>; empty when absent, reported when not a list.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)> List(string key, string expected)
    {
        var node = Node(key);
        if (node is null || IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            _context.Error(PathOf(key), node, $"{Describe(node)} is not a list; {expected}");
            return [];
        }

        var items = new List<(YamlNode, string)>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var itemPath = StatePath.Item(PathOf(key), i);
            _context.Map.Record(itemPath, Mark(sequence.Children[i]));
            items.Add((sequence.Children[i], itemPath));
        }

        return items;
    }

    /// <summary>Turns one scalar node into a value, or reports it and returns null.</summary>
    public static T? Scalar<T>(YamlNode node, string path, string expected, ScalarParser<T> parse, LoadContext context) where T : struct
    {
        if (node is not YamlScalarNode { Value: { } text })
        {
            context.Error(path, node, $"{Describe(node)} is not a single value; {expected}");
            return null;
        }

        if (parse(text, out var value, out var problem))
        {
            return value;
        }

        context.Error(path, node, $"{problem}; {expected}");
        return null;
    }

    private T? Scalar<T>(YamlNode node, string path, string expected, ScalarParser<T> parse) where T : struct =>
        Scalar(node, path, expected, parse, _context);

    /// <summary>True for an empty value or an explicit <c>null</c>/<c>~</c>.</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    /// <summary>Where a node starts.</summary>
    public static SourceMark Mark(YamlNode node) => new((int)node.Start.Line, (int)node.Start.Column);

    /// <summary>Names a node's kind for messages: "a list", "a mapping", "'text'".</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        YamlScalarNode { Value: { } v } => $"{StateText.Quote(v)}",
        _ => "an empty value",
    };
}

/// <summary>Reads a scalar's text into a value, or says what is wrong with it.</summary>
internal delegate bool ScalarParser<T>(string text, out T value, out string problem);

/// <summary>A string boxed as a struct so every field goes through one scalar path.</summary>
internal readonly record struct TextValue(string Value);

/// <summary>The scalar parsers of the schema; each problem names the text it refused.</summary>
internal static class Parsers
{
    private static readonly SearchValues<char> DigitsAndDots = SearchValues.Create("0123456789.");

    public static readonly ScalarParser<TextValue> Text = ParseText;
    public static readonly ScalarParser<IPAddressValue> Ipv4 = ParseIpv4;
    public static readonly ScalarParser<InterfaceAddress> Ipv4WithPrefix = ParseIpv4WithPrefix;
    public static readonly ScalarParser<IPNetworkValue> Ipv4Network = ParseIpv4Network;
    public static readonly ScalarParser<long> Integer = ParseInteger;
    public static readonly ScalarParser<bool> Boolean = ParseBoolean;
    public static readonly ScalarParser<TimeSpan> Duration = ParseDuration;
    public static readonly ScalarParser<PortRange> PortRangeText = ParsePortRangeText;

    private static bool ParseText(string text, out TextValue value, out string problem)
    {
        value = new TextValue(text);
        problem = string.Empty;
        return true;
    }

    // Endpoint lists run through here 10,000 times: the problem text is built only for a value that fails.
    private static bool ParseIpv4(string text, out IPAddressValue value, out string problem)
    {
        value = default;
        if (!LooksLikeDottedQuad(text) || !IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetwork)
        {
            problem = HasLeadingZero(text)
                ? $"{StateText.Quote(text)} has a part with a leading zero, which some tools read as octal; write each part in plain decimal"
                : $"{StateText.Quote(text)} is not an IPv4 address";
            return false;
        }

        problem = string.Empty;
        value = new IPAddressValue(address);
        return true;
    }

    private static bool ParseIpv4WithPrefix(string text, out InterfaceAddress value, out string problem)
    {
        problem = $"{StateText.Quote(text)} is not an IPv4 address with a prefix length";
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return InterfaceAddress.TryParse(text, out value) && LooksLikeDottedQuad(text.AsSpan(0, slash));
    }

    private static bool ParseIpv4Network(string text, out IPNetworkValue value, out string problem)
    {
        value = default;
        if (!ParseIpv4WithPrefix(text, out var address, out problem))
        {
            problem = $"{StateText.Quote(text)} is not an IPv4 network";
            return false;
        }

        if (!address.Network.BaseAddress.Equals(address.Address))
        {
            problem = $"{StateText.Quote(text)} has host bits set (did you mean {address.Network}?)";
            return false;
        }

        value = new IPNetworkValue(address.Network);
        return true;
    }

    private static bool ParseInteger(string text, out long value, out string problem)
    {
        problem = $"{StateText.Quote(text)} is not an integer";
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private static bool ParseBoolean(string text, out bool value, out string problem)
    {
        problem = $"{StateText.Quote(text)} is not a boolean";
        value = text == "true";
        return text is "true" or "false";
    }

    private static bool ParseDuration(string text, out TimeSpan value, out string problem)
    {
        problem = $"{StateText.Quote(text)} is not a duration";
        return DurationText.TryParse(text, out value);
    }

    private static bool ParsePortRangeText(string text, out PortRange value, out string problem)
    {
        value = default;
        if (text == PortRange.AnyText)
        {
            value = PortRange.Any;
            problem = string.Empty;
            return true;
        }

        problem = $"{StateText.Quote(text)} is not a port range";
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0
            || !ushort.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var low)
            || !ushort.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var high))
        {
            if (dash > 0 && long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out _)
                && long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                problem = $"{StateText.Quote(text)} has a port above 65535";
            }

            return false;
        }

        if (low == 0 && high == 0)
        {
            problem = $"{StateText.Quote(text)} includes port 0; write '{PortRange.AnyText}' to let the kernel choose each source port";
            return false;
        }

        value = new PortRange(low, high);
        return true;
    }

    /// <summary>A word from a fixed set (lower case, as written in the schema).</summary>
    public static ScalarParser<T> Word<T>(IReadOnlyDictionary<string, T> words, string what) =>
        (string text, out T value, out string problem) =>
        {
            problem = $"{StateText.Quote(text)} is not a {what}";
            return words.TryGetValue(text, out value!);
        };

    // .NET also reads "10", "10.1" and "0x0a" as IPv4; a state file spells all four parts.
    // "010" is 10 to .NET and 8 to inet_aton: a part may not start with 0 unless it is 0.
    // On spans, without allocating: these run once per endpoint.
    private static bool LooksLikeDottedQuad(ReadOnlySpan<char> text) =>
        text.Count('.') == 3 && !text.ContainsAnyExcept(DigitsAndDots) && !HasLeadingZero(text);

    private static bool HasLeadingZero(ReadOnlySpan<char> text)
    {
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (part.Length > 1 && part[0] == '0' && !part.ContainsAnyExceptInRange('0', '9'))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>An IPv4 address as a struct, so it reads through <see cref="ScalarParser{T}"/>.</summary>
internal readonly record struct IPAddressValue(IPAddress Value);

/// <summary>An IPv4 network as a struct, so it reads through <see cref="ScalarParser{T}"/>.</summary>
internal readonly record struct IPNetworkValue(IPNetwork Value);
