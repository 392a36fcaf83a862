namespace Gate.NetlinkCtl.State;

/// <summary>An inclusive UDP port range, as VXLAN's source port range.</summary>
/// <param name="Low">First port.</param>
/// <param name="High">Last port.</param>
public readonly record struct PortRange(ushort Low, ushort High)
{
    /// <summary>SORACOM's setup pins the source port to 4789.</summary>
    public static PortRange Default { get; } = new(4789, 4789);

    /// <inheritdoc />
    public override string ToString() => $"{Low}-{High}";
}
