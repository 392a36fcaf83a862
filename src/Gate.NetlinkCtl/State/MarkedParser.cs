using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Gate.NetlinkCtl.State;

/// <summary>
/// A YAML parser that remembers how far it got, so that a failure YamlDotNet reports without a position
/// (an <see cref="InvalidOperationException"/> or <see cref="ArgumentException"/> on some malformed input, found by
/// fuzzing) can still be located at the end of the last event read.
/// </summary>
internal sealed class MarkedParser(string yaml) : IParser
{
    private readonly Parser _parser = new(new StringReader(yaml));

    /// <inheritdoc />
    public ParsingEvent? Current => _parser.Current;

    /// <summary>Where the last event read ends (line 1, column 1 before the first).</summary>
    public Mark Reached { get; private set; } = new(0, 1, 1);

    /// <inheritdoc />
    public bool MoveNext()
    {
        var moved = _parser.MoveNext();
        if (_parser.Current is { } current)
        {
            Reached = current.End;
        }

        return moved;
    }

    /// <summary>True for the exceptions YamlDotNet throws, without a position, on input it cannot read.</summary>
    public static bool IsUnlocatedFailure(Exception e) => e is InvalidOperationException or ArgumentException;

    /// <summary>The syntax error for such a failure, at <see cref="Reached"/>.</summary>
    public StateError Failure(string file) =>
        new(file, (int)Reached.Line, (int)Reached.Column, string.Empty,
            "YAML syntax error: the YAML cannot be read past this point; fix the YAML at this position");
}
