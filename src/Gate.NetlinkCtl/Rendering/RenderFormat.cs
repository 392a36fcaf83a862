namespace Gate.NetlinkCtl.Rendering;

/// <summary>The kinds of configuration gatectl renders from a state.</summary>
/// <remarks>Public, unlike the rest of the core: it is the value of <c>render --format</c>, and the tests render each
/// format as a theory, whose parameters xUnit requires to be public.</remarks>
public enum RenderFormat
{
    /// <summary>systemd-networkd <c>.netdev</c>/<c>.network</c> files (and a <c>.link</c> file and an underlay drop-in).</summary>
    Networkd,

    /// <summary>NetworkManager keyfile profiles (<c>.nmconnection</c>), one per gate.</summary>
    NmKeyfile,

    /// <summary>An idempotent bash script using <c>ip</c> and <c>bridge</c>.</summary>
    Iproute2,

    /// <summary>gatectl's nftables table (the VXLAN guard).</summary>
    Nftables,

    /// <summary>keepalived's configuration: one VRRP instance per gate with an <c>ha</c> block.</summary>
    Keepalived,
}

/// <summary>The command-line names of <see cref="RenderFormat"/>, which are also the template folder names.</summary>
internal static class RenderFormatNames
{
    private static readonly (RenderFormat Format, string Name)[] Names =
    [
        (RenderFormat.Networkd, "networkd"),
        (RenderFormat.NmKeyfile, "nm-keyfile"),
        (RenderFormat.Iproute2, "iproute2"),
        (RenderFormat.Nftables, "nftables"),
        (RenderFormat.Keepalived, "keepalived"),
    ];

    /// <summary>Every name, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Names.Select(n => n.Name)];

    /// <summary>The name of <paramref name="format"/> (<c>nm-keyfile</c> for <see cref="RenderFormat.NmKeyfile"/>).</summary>
    public static string ToName(this RenderFormat format) => Names.First(n => n.Format == format).Name;

    /// <summary>Reads a format name as written on the command line.</summary>
    public static bool TryParse(string name, out RenderFormat format)
    {
        foreach (var (f, n) in Names)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                format = f;
                return true;
            }
        }

        format = default;
        return false;
    }
}
