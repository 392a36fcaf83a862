using System.Globalization;

namespace Gate.NetlinkCtl.Reconcile.Apply;

/// <summary>
/// Whether this process holds CAP_NET_ADMIN, the one capability gatectl needs to change links, addresses, FDB
/// entries, routes and its nftables table. Read from <c>/proc/self/status</c> (<c>CapEff</c>), so a root process
/// whose capabilities were dropped is told so before it tries, instead of failing half-way with EPERM.
/// </summary>
internal static class NetAdminCapability
{
    private const int CapNetAdmin = 12;

    /// <summary>The effective capability mask, or null when <c>/proc</c> does not say (then gatectl just tries).</summary>
    public static ulong? EffectiveMask()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal)
                    && ulong.TryParse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask))
                {
                    return mask;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return null;
    }

    /// <summary>Why <paramref name="verb"/> cannot run in a process with <paramref name="mask"/>, or null when it holds CAP_NET_ADMIN (or the mask is unknown).</summary>
    public static string? Missing(string verb, ulong? mask)
    {
        if (mask is not { } effective || (effective & (1UL << CapNetAdmin)) != 0)
        {
            return null;
        }

        return $"{verb} needs the CAP_NET_ADMIN capability to change links, addresses, FDB entries and routes, and this process "
            + $"does not have it (effective capabilities 0x{effective:x16}); nothing was changed: run gatectl as root, or grant it "
            + "CAP_NET_ADMIN alone (systemd: AmbientCapabilities=CAP_NET_ADMIN, as gatectl.service does; a shell: "
            + "setpriv --inh-caps +net_admin --ambient-caps +net_admin gatectl ...)";
    }
}
