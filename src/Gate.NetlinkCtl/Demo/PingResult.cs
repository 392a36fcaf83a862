using System.Globalization;
using System.Text.RegularExpressions;

namespace Gate.NetlinkCtl.Demo;

/// <summary>What <c>ping</c> reported: its counters, its average round trip and any local error it printed.</summary>
/// <param name="Sent">Echo requests sent.</param>
/// <param name="Received">Distinct replies received.</param>
/// <param name="Duplicates">Replies received more than once.</param>
/// <param name="Errors">ICMP errors or local send errors counted.</param>
/// <param name="AverageRtt">The average round trip of the replies, when there were any.</param>
/// <param name="LocalError">A local error line such as <c>message too long, mtu=1450</c>, when one was printed.</param>
internal sealed partial record PingResult(int Sent, int Received, int Duplicates, int Errors, TimeSpan? AverageRtt, string? LocalError)
{
    /// <summary>Every request answered exactly once.</summary>
    public bool AllAnswered => Sent > 0 && Received == Sent && Duplicates == 0;

    /// <summary>Reads ping's summary (iputils); throws when there is none.</summary>
    public static PingResult Parse(string stdout, string stderr)
    {
        var counts = Summary().Match(stdout);
        if (!counts.Success)
        {
            throw new DemoException($"ping printed no summary: {stdout.Trim()} {stderr.Trim()}".Trim());
        }

        var rtt = Rtt().Match(stdout);
        var localError = LocalErrorLine().Match(stderr + stdout);
        return new PingResult(
            Int(counts.Groups["sent"]),
            Int(counts.Groups["received"]),
            counts.Groups["dup"].Success ? Int(counts.Groups["dup"]) : 0,
            counts.Groups["err"].Success ? Int(counts.Groups["err"]) : 0,
            rtt.Success ? TimeSpan.FromMilliseconds(double.Parse(rtt.Groups["avg"].Value, CultureInfo.InvariantCulture)) : null,
            localError.Success ? localError.Groups["what"].Value.Trim() : null);
    }

    private static int Int(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?<sent>\d+) packets transmitted, (?<received>\d+) received(, \+(?<dup>\d+) duplicates)?(, \+(?<err>\d+) errors)?")]
    private static partial Regex Summary();

    [GeneratedRegex(@"= [\d.]+/(?<avg>[\d.]+)/")]
    private static partial Regex Rtt();

    [GeneratedRegex(@"local error: (?<what>[^\n]+)")]
    private static partial Regex LocalErrorLine();
}
