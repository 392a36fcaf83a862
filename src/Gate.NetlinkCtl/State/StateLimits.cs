namespace Gate.NetlinkCtl.State;

/// <summary>The ranges a state file's numbers must fall in, and the one wording used to report them.</summary>
internal static class StateLimits
{
    /// <summary>Largest VXLAN network identifier (24 bits).</summary>
    public const uint MaxVni = 16_777_215;

    /// <summary>Smallest MTU the kernel accepts for IPv4.</summary>
    public const int MinMtu = 68;

    /// <summary>Largest MTU.</summary>
    public const int MaxMtu = 65_535;

    /// <summary>Largest state file gatectl reads; real ones are a few kilobytes.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Deepest nesting of mappings and lists; the schema needs 4.</summary>
    public const int MaxDepth = 32;

    /// <summary>Longest interface name Linux accepts (IFNAMSIZ - 1).</summary>
    public const int MaxInterfaceName = 15;

    /// <summary>Longest gate name: it goes into the ifalias <c>gatectl:&lt;name&gt;</c> and the NetworkManager id <c>gatectl-&lt;name&gt;</c>.</summary>
    public const int MaxGateName = 64;

    /// <summary>Shortest reconcile interval.</summary>
    public static readonly TimeSpan MinReconcileInterval = TimeSpan.FromSeconds(1);

    /// <summary>Longest reconcile interval.</summary>
    public static readonly TimeSpan MaxReconcileInterval = TimeSpan.FromHours(24);

    /// <summary>What a VNI must be.</summary>
    public const string VniExpected = "expected an integer 1..16777215";

    /// <summary>What a port must be.</summary>
    public const string PortExpected = "expected an integer 1..65535";

    /// <summary>What an MTU must be.</summary>
    public const string MtuExpected = "expected an integer 68..65535, or no mtu key to use the underlay's MTU - 50";

    /// <summary>The message for a number outside its range.</summary>
    public static string OutOfRange(object value, string expected) => $"{value} is out of range; {expected}";
}
