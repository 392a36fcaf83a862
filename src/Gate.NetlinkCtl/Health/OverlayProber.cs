using System.Net;

namespace Gate.NetlinkCtl.Health;

/// <summary>
/// Probes inner addresses through the overlay with ICMP echo: each target on its own socket, targets in parallel,
/// requests one at a time per target. It only sends and listens; it never changes the gate.
/// </summary>
internal static class OverlayProber
{
    /// <summary>One round to every target in <paramref name="netns"/> (null: this namespace).</summary>
    public static async Task<IReadOnlyList<ProbeResult>> ProbeAsync(string? netns, IReadOnlyList<IPAddress> targets, ProbeSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(settings);
        var rounds = new List<Task<ProbeResult>>();
        foreach (var target in targets)
        {
            var socket = IcmpEchoSocket.Open(netns);
            rounds.Add(RoundAsync(socket, target, settings, cancellationToken));
        }

        return await Task.WhenAll(rounds).ConfigureAwait(false);
    }

    /// <summary>The kind of ICMP socket this process gets in <paramref name="netns"/> (ping socket or raw).</summary>
    public static IcmpSocketKind SocketKind(string? netns)
    {
        using var socket = IcmpEchoSocket.Open(netns);
        return socket.Kind;
    }

    private static async Task<ProbeResult> RoundAsync(IcmpEchoSocket socket, IPAddress target, ProbeSettings settings, CancellationToken cancellationToken)
    {
        using (socket)
        {
            var roundTrips = new List<TimeSpan>();
            for (var sequence = 1; sequence <= settings.Count; sequence++)
            {
                if (sequence > 1)
                {
                    await Task.Delay(settings.Interval, cancellationToken).ConfigureAwait(false);
                }

                if (await socket.EchoAsync(target, (ushort)sequence, settings.Timeout, cancellationToken).ConfigureAwait(false) is { } roundTrip)
                {
                    roundTrips.Add(roundTrip);
                }
            }

            return new ProbeResult(target, settings.Count, roundTrips);
        }
    }
}
