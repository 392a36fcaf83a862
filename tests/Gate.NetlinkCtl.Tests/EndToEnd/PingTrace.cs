using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;

namespace Gate.NetlinkCtl.Tests.EndToEnd;

/// <summary>
/// A bounded ping run from a SIM (10 requests a second), with the time of every reply (<c>ping -D</c>), so the longest
/// silence between two replies (a fail-over's gap) can be measured.
/// </summary>
/// <param name="Sent">Echo requests sent.</param>
/// <param name="Replies">The reply times in seconds (Unix time), in order.</param>
internal sealed partial record PingTrace(int Sent, IReadOnlyList<double> Replies)
{
    /// <summary>The interval between requests.</summary>
    public const double Interval = 0.1;

    /// <summary>Replies received.</summary>
    public int Received => Replies.Count;

    /// <summary>The longest time between two replies, minus the interval the pings are apart (0 when none was lost).</summary>
    public TimeSpan Gap => Replies.Count < 2
        ? TimeSpan.MaxValue
        : TimeSpan.FromSeconds(Math.Max(0, Replies.Zip(Replies.Skip(1), (a, b) => b - a).Max() - Interval));

    /// <summary>Starts <paramref name="count"/> pings from <paramref name="ns"/> to <paramref name="target"/>; completes when ping ends.</summary>
    public static async Task<PingTrace> RunAsync(string ns, IPAddress target, int count)
    {
        var deadline = (int)Math.Ceiling(count * Interval) + 3;
        var result = await Cli.Wrap("ip")
            .WithArguments(["netns", "exec", ns, "ping", "-n", "-D", "-i", "0.1", "-c", count.ToString(CultureInfo.InvariantCulture),
                "-w", deadline.ToString(CultureInfo.InvariantCulture), target.ToString()])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        var replies = Reply().Matches(result.StandardOutput)
            .Select(m => double.Parse(m.Groups["t"].Value, CultureInfo.InvariantCulture))
            .ToList();
        var sent = Transmitted().Match(result.StandardOutput);
        return new PingTrace(sent.Success ? int.Parse(sent.Groups["n"].Value, CultureInfo.InvariantCulture) : 0, replies);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Received}/{Sent} replies, longest gap {Gap.TotalMilliseconds:F0} ms";

    [GeneratedRegex(@"^\[(?<t>\d+\.\d+)\] \d+ bytes from", RegexOptions.Multiline)]
    private static partial Regex Reply();

    [GeneratedRegex(@"(?<n>\d+) packets transmitted")]
    private static partial Regex Transmitted();
}
