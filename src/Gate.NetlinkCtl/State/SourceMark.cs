namespace Gate.NetlinkCtl.State;

/// <summary>A position in a state file (1-based line and column); <see cref="None"/> when unknown.</summary>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
internal readonly record struct SourceMark(int Line, int Column)
{
    /// <summary>No position: the state was built in code, not read from a file.</summary>
    public static SourceMark None { get; } = new(0, 0);

    /// <inheritdoc />
    public override string ToString() => $"{Line}:{Column}";
}
