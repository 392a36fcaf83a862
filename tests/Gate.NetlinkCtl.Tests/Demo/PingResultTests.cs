using Gate.NetlinkCtl.Demo;

namespace Gate.NetlinkCtl.Tests.Demo;

/// <summary>ping's summary as iputils prints it (outputs recorded from runs in the emulator).</summary>
public class PingResultTests
{
    [Fact]
    public void A_clean_run_reads_its_counts_and_average_round_trip()
    {
        const string stdout = """
            PING 198.18.1.1 (198.18.1.1) 56(84) bytes of data.
            64 bytes from 198.18.1.1: icmp_seq=1 ttl=64 time=0.521 ms
            64 bytes from 198.18.1.1: icmp_seq=2 ttl=64 time=0.131 ms
            64 bytes from 198.18.1.1: icmp_seq=3 ttl=64 time=0.130 ms

            --- 198.18.1.1 ping statistics ---
            3 packets transmitted, 3 received, 0% packet loss, time 409ms
            rtt min/avg/max/mdev = 0.130/0.260/0.521/0.184 ms
            """;

        var result = PingResult.Parse(stdout, "");

        Assert.Equal(new PingResult(3, 3, 0, 0, TimeSpan.FromMilliseconds(0.26), null), result);
        Assert.True(result.AllAnswered);
    }

    [Fact]
    public void Duplicates_are_counted_and_spoil_an_otherwise_full_answer()
    {
        const string stdout = """
            --- 198.18.1.1 ping statistics ---
            3 packets transmitted, 3 received, +2 duplicates, 0% packet loss, time 408ms
            rtt min/avg/max/mdev = 0.099/0.106/0.112/0.005 ms
            """;

        var result = PingResult.Parse(stdout, "");

        Assert.Equal(2, result.Duplicates);
        Assert.False(result.AllAnswered);
    }

    [Fact]
    public void A_packet_over_the_mtu_reads_as_an_error_with_the_local_reason()
    {
        const string stdout = """
            PING 198.18.1.1 (198.18.1.1) 1423(1451) bytes of data.

            --- 198.18.1.1 ping statistics ---
            1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms
            """;

        var result = PingResult.Parse(stdout, "ping: local error: message too long, mtu=1450\n");

        Assert.Equal(new PingResult(1, 0, 0, 1, null, "message too long, mtu=1450"), result);
    }

    [Fact]
    public void Output_without_a_summary_is_an_error_that_quotes_it()
    {
        var error = Assert.Throws<DemoException>(() => PingResult.Parse("", "ping: connect: Network is unreachable"));

        Assert.Contains("Network is unreachable", error.Message, StringComparison.Ordinal);
    }
}
