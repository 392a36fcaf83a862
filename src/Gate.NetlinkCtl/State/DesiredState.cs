namespace Gate.NetlinkCtl.State;

/// <summary>The whole desired state of one host: host-wide settings and the gates it should carry.</summary>
/// <param name="ApiVersion">Schema version of the file (<see cref="StateSchema.ApiVersion"/>).</param>
/// <param name="Kind">Document kind (<see cref="StateSchema.Kind"/>).</param>
/// <param name="Host">Settings that apply to every gate on the host.</param>
/// <param name="Gates">The gates, in file order.</param>
internal sealed record DesiredState(
    string ApiVersion,
    string Kind,
    HostSettings Host,
    EquatableList<GateSpec> Gates);

/// <summary>Schema identifiers written in every state file so the format can evolve.</summary>
internal static class StateSchema
{
    /// <summary>The only <c>apiVersion</c> this build reads.</summary>
    public const string ApiVersion = "gatectl/v1";

    /// <summary>The only <c>kind</c> this build reads.</summary>
    public const string Kind = "GatePeer";
}
