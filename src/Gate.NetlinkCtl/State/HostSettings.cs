namespace Gate.NetlinkCtl.State;

/// <summary>Settings that apply to every gate on the host.</summary>
/// <param name="Backend">Which backend programs the kernel.</param>
/// <param name="ReconcileInterval">How often the daemon runs a full resync.</param>
/// <param name="MetricsPath">Where Prometheus text-format metrics are written, or null for none.</param>
/// <param name="Guard">Whether gatectl installs its nftables table that accepts VXLAN only from known endpoints.</param>
internal sealed record HostSettings(
    BackendKind Backend,
    TimeSpan ReconcileInterval,
    string? MetricsPath,
    bool Guard)
{
    /// <summary>The default of <see cref="StateDirectory"/> (systemd's StateDirectory=gatectl).</summary>
    public const string DefaultStateDirectory = "/var/lib/gatectl";

    /// <summary>Where gatectl keeps what must survive a restart (the SORACOM API's last good answers).</summary>
    public string StateDirectory { get; init; } = DefaultStateDirectory;

    /// <summary>Defaults used when the file has no <c>host</c> section.</summary>
    public static HostSettings Default { get; } = new(BackendKind.Auto, TimeSpan.FromSeconds(60), null, false);
}

/// <summary>The ways gatectl can program the host.</summary>
/// <remarks>Public, unlike the rest of the core: it is the value of <c>--backend</c>, and the tests run each backend
/// as a theory, whose parameters xUnit requires to be public.</remarks>
public enum BackendKind
{
    /// <summary>NetworkManager when it manages the underlay, rtnetlink otherwise.</summary>
    Auto,

    /// <summary>gatectl's own rtnetlink client.</summary>
    Netlink,

    /// <summary>The <c>ip</c> and <c>bridge</c> commands of iproute2.</summary>
    Iproute2,

    /// <summary>NetworkManager connection profiles over D-Bus, FDB entries over rtnetlink.</summary>
    NetworkManager,
}
