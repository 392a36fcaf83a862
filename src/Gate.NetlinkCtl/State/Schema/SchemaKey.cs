namespace Gate.NetlinkCtl.State;

/// <summary>
/// One key of a state-file mapping, declared once in <see cref="StateKeys"/>: its name, the schema doc's type, default
/// and rule columns, and (in the subclass) how the loader reads it. The loader's key lists and suggestions, the writer's
/// key order and the tables of docs/state-schema.md all come from these.
/// </summary>
/// <param name="Name">The key as written in the file (camelCase).</param>
/// <param name="Type">The doc's type column.</param>
/// <param name="Default">The doc's default column; <see cref="RequiredDefault"/> for a key that must be given.</param>
/// <param name="Rule">The doc's rule column: ranges, allowed values and what the key does.</param>
internal abstract record SchemaKey(string Name, string Type, string Default, string Rule)
{
    /// <summary>The default column of a key the loader requires.</summary>
    public const string RequiredDefault = "required";

    /// <summary>True when the file must give the key.</summary>
    public bool IsRequired => Default == RequiredDefault;
}

/// <summary>A single value read by <see cref="Parse"/>; <see cref="Fallback"/> stands in when the key is left out.</summary>
/// <param name="Expected">What the loader says a value should be, after the problem it found.</param>
/// <param name="Parse">Turns the text into a value.</param>
internal sealed record ScalarKey<T>(string Name, string Type, string Default, string Rule, string Expected, ScalarParser<T> Parse)
    : SchemaKey(Name, Type, Default, Rule) where T : struct
{
    /// <summary>The value the loader uses when the key is left out (null: none, or decided elsewhere).</summary>
    public T? Fallback { get; init; }

    /// <summary>For a key from a fixed set of words: each word and its value, in the doc's order.</summary>
    public IReadOnlyList<(string Word, T Value)>? Words { get; init; }

    /// <summary>The word <paramref name="value"/> is written as.</summary>
    public string WordFor(T value) => Words!.First(w => EqualityComparer<T>.Default.Equals(w.Value, value)).Word;
}

/// <summary>An integer the loader narrows to <see cref="Min"/>..<see cref="Max"/> (the record's type; the validator checks the schema's range).</summary>
internal sealed record IntegerKey(string Name, string Type, string Default, string Rule, string Expected, long Min, long Max)
    : SchemaKey(Name, Type, Default, Rule)
{
    /// <summary>The value the loader uses when the key is left out (null: none).</summary>
    public long? Fallback { get; init; }
}

/// <summary>A list of single values, each read by <see cref="ParseItem"/>.</summary>
/// <param name="Expected">What the loader says when the value is not a list.</param>
/// <param name="ItemExpected">What the loader says when an item cannot be read.</param>
internal sealed record ListKey<T>(string Name, string Type, string Default, string Rule, string Expected, string ItemExpected, ScalarParser<T> ParseItem)
    : SchemaKey(Name, Type, Default, Rule) where T : struct;

/// <summary>A list of mappings, each shaped by <see cref="Items"/>.</summary>
/// <param name="Expected">What the loader says when the value is not a list.</param>
internal sealed record MappingListKey(string Name, string Type, string Default, string Rule, string Expected, SchemaBlock Items)
    : SchemaKey(Name, Type, Default, Rule);

/// <summary>A nested mapping shaped by <see cref="Block"/>, read by the block's own parser.</summary>
internal sealed record BlockKey(string Name, string Type, string Default, string Rule, SchemaBlock Block)
    : SchemaKey(Name, Type, Default, Rule);

/// <summary>The keys of one mapping of a state file, in the order the loader names them and the writer writes them.</summary>
/// <param name="Heading">The heading of its table in docs/state-schema.md, or null when it has no table of its own.</param>
/// <param name="What">How the loader names the mapping in "... is not a gate".</param>
/// <param name="Keys">Its keys.</param>
internal sealed record SchemaBlock(string? Heading, string What, IReadOnlyList<SchemaKey> Keys)
{
    /// <summary>The key names, in order.</summary>
    public string[] Names { get; } = [.. Keys.Select(k => k.Name)];

    /// <summary>Keys that must never be written here, each with the message that says why and what to do instead.</summary>
    public IReadOnlyDictionary<string, string>? Refused { get; init; }

    /// <summary>The key called <paramref name="name"/>.</summary>
    public SchemaKey this[string name] => Keys.Single(k => k.Name == name);
}
