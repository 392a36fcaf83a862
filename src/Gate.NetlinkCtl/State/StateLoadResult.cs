namespace Gate.NetlinkCtl.State;

/// <summary>The outcome of reading a state file: the state (when readable), where its fields are, and every error found.</summary>
/// <param name="State">The state, or null when the file could not be read as one (syntax error, wrong shape).</param>
/// <param name="Map">Field positions, for errors found later.</param>
/// <param name="Errors">Every error, ordered by position.</param>
internal sealed record StateLoadResult(DesiredState? State, StateSourceMap Map, IReadOnlyList<StateError> Errors)
{
    /// <summary>True when there is a state and no error.</summary>
    public bool IsValid => State is not null && Errors.Count == 0;
}
