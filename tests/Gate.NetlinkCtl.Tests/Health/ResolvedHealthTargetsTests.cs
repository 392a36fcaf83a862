using System.Net;
using Gate.NetlinkCtl.Daemon;
using Gate.NetlinkCtl.Health;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.Tests.Daemon;
using Gate.NetlinkCtl.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gate.NetlinkCtl.Tests.Health;

/// <summary>
/// The daemon probes the state its reconcile enforced, not only the file: a <c>soracom:</c> gate's targets are what the
/// SORACOM API listed (the VPG's endpoints' inner addresses, other peers'), joined by the resolve stage.
/// </summary>
public sealed class ResolvedHealthTargetsTests : IDisposable
{
    private static readonly IPAddress Listed = IPAddress.Parse("198.18.1.1");
    private static readonly IPAddress FromApi = IPAddress.Parse("198.18.1.2");

    private readonly string _dir = Directory.CreateTempSubdirectory("gct-health-resolved-").FullName;

    [Fact]
    public async Task The_probes_follow_the_targets_the_reconcile_resolved()
    {
        Prerequisites.RequireRoot();
        // A namespace of its own with no route: the echoes go nowhere, and the test reads only which targets are probed.
        await using var ns = await TestNamespace.CreateAsync("hr");
        var statePath = Path.Combine(_dir, "state.yaml");
        var statusPath = Path.Combine(_dir, "status.json");
        await File.WriteAllTextAsync(statePath, StateYaml.Of(new GateYaml { Endpoints = ["198.51.100.4"], Extra = $"probe: [{Listed}]\nhealth: {{}}" }).ToString(), TestContext.Current.CancellationToken);
        var options = new DaemonOptions(statePath, ns.Name, statusPath, ListenForEvents: false)
        {
            ProbePace = new ProbePace(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(100)),
        };
        using var daemon = new ReconcileDaemon(options, new StateInForce(statePath), new ResolvingPass(), null, NullLogger<ReconcileDaemon>.Instance);
        await daemon.StartAsync(TestContext.Current.CancellationToken);

        var status = await DaemonStateFiles.WaitForStatusAsync(statusPath, s => s.Health.SelectMany(g => g.Targets).Count() == 2);
        await daemon.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal([Listed.ToString(), FromApi.ToString()], Assert.Single(status.Health).Targets.Select(t => t.Target));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // What the resolve stage does for a soracom: gate: the API's VPG inner address joins the gate's probe targets.
    private sealed class ResolvingPass : IReconcilePass
    {
        public Task<ReconcileOutcome> RunAsync(DesiredState state, CancellationToken cancellationToken)
        {
            var resolved = state with
            {
                Gates = state.Gates.Select(g => g with { ProbeTargets = g.ProbeTargets.Append(FromApi).ToEquatableList() }).ToEquatableList(),
            };
            return Task.FromResult(new ReconcileOutcome([], [], null) { Resolved = resolved });
        }
    }
}
