namespace Gate.NetlinkCtl.State;

/// <summary>
/// Whether a gate may take over a VXLAN device with its interface name that gatectl did not make (one the vendor's
/// setup script or a person made): the one exception to "own only what you made", asked for in the state file.
/// </summary>
internal enum GateAdoption
{
    /// <summary>A device with the gate's name that is not gatectl's is a conflict: apply refuses (the default).</summary>
    Off,

    /// <summary>
    /// <c>adopt: true</c>: a VXLAN device whose fixed attributes match is taken over in place (alias set, address marked);
    /// one that does not match is a conflict that names the attribute.
    /// </summary>
    InPlace,

    /// <summary>
    /// <c>adopt: true</c> with <c>adoptMayRecreate: true</c>: as <see cref="InPlace"/>, but a device whose fixed attributes
    /// differ is deleted and created as the state says (its traffic stops while that happens).
    /// </summary>
    InPlaceOrRecreate,
}
