using System.Net;

namespace Gate.NetlinkCtl.Health;

/// <summary>
/// Whether packets as large as a gate's MTU cross the overlay to a target and back, and if not, the largest that do:
/// echo requests with Don't Fragment set, first at the gate's MTU, then halving the gap between the largest size that
/// got a reply and the smallest that did not. It runs only against a target that already answers ordinary requests,
/// so a lost large request means the path, not the target.
/// </summary>
internal static class PathMtuProbe
{
    // A full-size request lost once may be ordinary loss: it is tried this many times before the path is blamed.
    private const int FullSizeTries = 2;

    /// <summary>Probes <paramref name="target"/> through a gate whose MTU is <paramref name="mtu"/>, in <paramref name="netns"/> (null: this one).</summary>
    public static async Task<PathMtuResult> ProbeAsync(string? netns, IPAddress target, int mtu, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = IcmpEchoSocket.Open(netns);
        socket.ForbidFragmentation();
        ushort sequence = 0;
        for (var i = 0; i < FullSizeTries; i++)
        {
            if (await CrossesAsync(mtu).ConfigureAwait(false))
            {
                return new PathMtuResult(target, mtu, mtu);
            }
        }

        var crossed = IcmpEchoSocket.SmallestPacketBytes;
        if (!await CrossesAsync(crossed).ConfigureAwait(false))
        {
            return new PathMtuResult(target, mtu, null);
        }

        var lost = mtu;
        while (lost - crossed > 1)
        {
            var size = crossed + ((lost - crossed) / 2);
            if (await CrossesAsync(size).ConfigureAwait(false))
            {
                crossed = size;
            }
            else
            {
                lost = size;
            }
        }

        return new PathMtuResult(target, mtu, crossed);

        async Task<bool> CrossesAsync(int bytes) =>
            await socket.EchoAsync(target, ++sequence, timeout, cancellationToken, bytes).ConfigureAwait(false) is not null;
    }
}

/// <summary>What a path MTU probe found.</summary>
/// <param name="Target">The inner address probed.</param>
/// <param name="Mtu">The gate's MTU: the size that was tried first.</param>
/// <param name="Largest">The largest packet (IP bytes) that got a reply; null when not even the smallest did with Don't Fragment set.</param>
internal sealed record PathMtuResult(IPAddress Target, int Mtu, int? Largest)
{
    /// <summary>True when packets of the gate's full MTU cross.</summary>
    public bool Fits => Largest == Mtu;
}
