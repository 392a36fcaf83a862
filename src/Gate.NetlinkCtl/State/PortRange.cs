namespace Gate.NetlinkCtl.State;

/// <summary>An inclusive UDP port range, as VXLAN's source port range.</summary>
/// <param name="Low">First port.</param>
/// <param name="High">Last port.</param>
internal readonly record struct PortRange(ushort Low, ushort High)
{
    /// <summary>SORACOM's setup pins the source port to 4789.</summary>
    public static PortRange Default { get; } = new(4789, 4789);

    /// <summary>
    /// No range: the kernel picks each flow's source port from its ephemeral range. What the vendor's setup script's
    /// <c>srcport 4789 4789</c> gives (see <see cref="FromKernel"/>); written <c>any</c> in a state file.
    /// </summary>
    public static PortRange Any { get; } = new(0, 0);

    /// <summary>The state file's word for <see cref="Any"/>.</summary>
    public const string AnyText = "any";

    /// <summary>True for <see cref="Any"/>.</summary>
    public bool IsAny => this == Any;

    /// <summary>
    /// The range as the kernel keeps it (IFLA_VXLAN_PORT_RANGE, <c>ip ... srcport MIN MAX</c>): half-open, so the
    /// last port is sent as one more. 0-0 (no range) stays 0 0; a range ending at 65535 cannot include it.
    /// </summary>
    public (ushort Min, ushort Max) ToKernel() =>
        High == 0 ? (Low, (ushort)0) : (Low, (ushort)Math.Min(High + 1, ushort.MaxValue));

    /// <summary>
    /// Reads the kernel's half-open range. Min >= max (such as the vendor script's <c>4789 4789</c>) pins nothing:
    /// the kernel then uses its ephemeral range, read as 0-0.
    /// </summary>
    public static PortRange FromKernel(ushort min, ushort max) => max > min ? new(min, (ushort)(max - 1)) : new(0, 0);

    /// <inheritdoc />
    public override string ToString() => IsAny ? AnyText : $"{Low}-{High}";
}
