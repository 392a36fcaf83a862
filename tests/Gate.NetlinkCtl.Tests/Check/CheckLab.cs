using Gate.NetlinkCtl.Check;
using Gate.NetlinkCtl.Demo;
using Gate.NetlinkCtl.Health;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.EndToEnd;
using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Check;

/// <summary>The emulator with its Gate Peer applied by gatectl, plus the helpers the check tests share.</summary>
internal sealed class CheckLab : IAsyncDisposable
{
    private CheckLab(VpgEmulator emulator, DesiredState state)
    {
        Emulator = emulator;
        State = state;
    }

    public VpgEmulator Emulator { get; }

    public DesiredState State { get; private set; }

    public GateSpec Gate => State.Gates[0];

    public string Ns => Emulator.Peer.Namespace;

    public static async Task<CheckLab> StartAsync(string tag)
    {
        Prerequisites.RequireRoot();
        Prerequisites.RequireCommand("ip", "iproute2");
        Prerequisites.RequireCommand("ping", "iputils-ping");
        var emulator = await VpgEmulator.StartAsync(new EmulatorOptions(tag), TestContext.Current.CancellationToken);
        try
        {
            var state = emulator.PeerState();
            await PeerApply.ApplyAsync(emulator, state);
            return new CheckLab(emulator, state);
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>Replaces the gate in the state the checks read (the kernel is left as it is).</summary>
    public void UseGate(GateSpec gate) => State = State with { Gates = new EquatableList<GateSpec>([gate]) };

    /// <summary>The kernel-side checks only (no probe), as <c>gatectl check</c> runs them.</summary>
    public CheckReport Check() => HostCheck.RunAsync(State, Ns, probe: null, TestContext.Current.CancellationToken).GetAwaiter().GetResult();

    /// <summary>Every check, the data path probe included.</summary>
    public Task<CheckReport> CheckWithProbeAsync(ProbeSettings settings) => HostCheck.RunAsync(State, Ns, settings, TestContext.Current.CancellationToken);

    public Task<string> IpAsync(params string[] args) => TestNamespace.RunAsync("ip", ["-n", Ns, .. args]);

    public Task<string> ExecAsync(params string[] args) => TestNamespace.RunAsync("ip", ["netns", "exec", Ns, .. args]);

    /// <summary>The single finding whose check name starts with <paramref name="check"/>.</summary>
    public static CheckFinding Single(CheckReport report, string check) =>
        Assert.Single(report.Findings, f => f.Check.StartsWith(check, StringComparison.Ordinal));

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}
