using Gate.NetlinkCtl.Cli;
using Gate.NetlinkCtl.Cli.Commands;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.Health;
using Gate.NetlinkCtl.Netlink;

namespace Gate.NetlinkCtl.Cli.Tests.Daemon;

/// <summary><c>gatectl status</c> shows the health probe's latest result per target, read from the status file.</summary>
public sealed class StatusHealthTextTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gct-status-").FullName;

    [Fact]
    public void Status_shows_each_target_up_or_down_with_its_rtt_and_loss_and_the_gate_counters()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_780_000_000);
        var path = Path.Combine(_dir, "status.json");
        var last = new ReconcileRecord(now.AddMinutes(-1), 0.012, ["start"], "in-sync", [], [new GateSync("soracom", "gate0", true)], null);
        StatusFile.Write(path, new DaemonStatus(Environment.ProcessId, "/etc/gatectl/state.yaml", null, now.AddMinutes(-5), now, new StateFileStatus("ab".PadRight(64, '0'), now.AddMinutes(-5), ["soracom"], []),
            last, null, now.AddMinutes(-1), 0, null, new ReconcileTotals(1, 0, 0))
        {
            Health =
            [
                new GateHealthStatus("soracom", "gate0", 30,
                    [
                        new ProbeTargetStatus("198.18.1.17", "up", 0.02141, 0.05, 20, 40, 38, now.AddSeconds(-4), now.AddMinutes(-5), null),
                        new ProbeTargetStatus("198.18.1.200", "down", 0.0198, 1, 6, 6, 0, now.AddSeconds(-4), now.AddMinutes(-2), null),
                    ],
                    new LinkCounters(38, 46, 3876, 4692, 0, 0, 0, 0)),
            ],
        });
        using var stdout = new StringWriter();

        var exit = StatusCommand.Run(path, OutputFormat.Text, now, stdout, TextWriter.Null);

        var text = stdout.ToString();
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("probe soracom (gate0), every 30s:", text, StringComparison.Ordinal);
        Assert.Contains("  198.18.1.17   up          rtt 21.41 ms  loss 5% of 20  probed 4 s ago", text, StringComparison.Ordinal);
        Assert.Contains("  198.18.1.200  DOWN        rtt 19.80 ms  loss 100% of 6  probed 4 s ago", text, StringComparison.Ordinal);
        Assert.Contains("  gate0: rx 38 packets (0 errors, 0 dropped), tx 46 packets (0 errors, 0 dropped)", text, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
