using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Diff;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using static Gate.NetlinkCtl.Tests.Reconcile.ObservedHosts;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>The apply pipeline's decisions (no writes in sync, refusal, rollback, verify, extensions), with a substitute backend.</summary>
public sealed class GateReconcilerTests : IDisposable
{
    private static readonly GateSpec Gate = Soracom();
    private readonly string _lockDirectory = Directory.CreateTempSubdirectory("gatectl-lock").FullName;
    private readonly IGateBackend _backend = Substitute.For<IGateBackend>();

    public GateReconcilerTests() => _backend.Name.Returns("fake");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ReconcileContext Context => new(Backend: BackendKind.Netlink) { LockDirectory = _lockDirectory };

    [Fact]
    public async Task An_apply_of_a_host_in_sync_writes_nothing()
    {
        ObserveReturns(Host(InSync(Gate)));

        var result = await Reconciler().ApplyAsync(Desired(Gate), Context, Ct);

        Assert.True(result.WasInSync);
        await _backend.DidNotReceiveWithAnyArgs().ExecuteAsync(default!, Ct);
    }

    [Fact]
    public async Task An_apply_with_problems_is_refused_before_any_write()
    {
        ObserveReturns(Host());

        var result = await Reconciler().ApplyAsync(Desired(Soracom(underlay: "eth9")), Context, Ct);

        Assert.Equal(ApplyStage.Plan, result.Failure?.Stage);
        Assert.StartsWith("nothing was changed: gate soracom: underlay eth9 does not exist", result.Failure!.Message, StringComparison.Ordinal);
        await _backend.DidNotReceiveWithAnyArgs().ExecuteAsync(default!, Ct);
    }

    [Fact]
    public async Task A_failed_step_restores_the_checkpoint_and_says_what_failed()
    {
        var (changed, failing) = MtuChangeWhoseThirdFloodAddFails();

        var result = await Reconciler().ApplyAsync(Desired(changed), Context, Ct);

        Assert.Equal(ApplyStage.Execute, result.Failure?.Stage);
        Assert.Equal(failing, result.Failure!.FailedStep);
        Assert.Equal("fake: add flood entry 00:00:00:00:00:00 dst 192.0.2.3 to gate0: No buffer space available", result.Failure.Message);
        Assert.Equal([new SetMtu("soracom", "gate0", 1400, 1450)], result.Executed);
        Assert.Equal([new SetMtu("soracom", "gate0", 1450, 1400)], result.Failure.RestoreSteps);
        Assert.True(result.Failure.Restored);
    }

    [Fact]
    public async Task The_daemons_pass_names_what_restoring_the_checkpoint_did()
    {
        var (changed, _) = MtuChangeWhoseThirdFloodAddFails();
        await using var pass = new Gate.NetlinkCtl.Daemon.GateReconcilerPass(Reconciler(), Context);

        var outcome = await pass.RunAsync(Desired(changed), Ct);

        Assert.Empty(outcome.Repairs);
        Assert.Equal(
            "execute failed: fake: add flood entry 00:00:00:00:00:00 dst 192.0.2.3 to gate0: No buffer space available; "
            + $"the host was restored to how it was before ({new SetMtu("soracom", "gate0", 1450, 1400).Describe()})",
            outcome.Error);
    }

    [Fact]
    public async Task A_host_that_still_differs_after_apply_fails_verification()
    {
        ObserveReturns(Host(), Host());

        var result = await Reconciler().ApplyAsync(Desired(Gate), Context, Ct);

        Assert.Equal(ApplyStage.Verify, result.Failure?.Stage);
        Assert.StartsWith("applied, but the host still differs: create gate0", result.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extension_steps_run_after_the_gates_and_are_undone_when_a_later_one_fails()
    {
        ObserveReturns(Host(InSync(Gate)));
        var extension = Substitute.For<IReconcileExtension>();
        extension.Name.Returns("guard");
        var first = new NoteStep("first");
        var second = new NoteStep("second");
        extension.PlanAsync(Arg.Any<ExtensionContext>(), Arg.Any<CancellationToken>()).Returns([first, second]);
        extension.ExecuteAsync(second, Arg.Any<ExtensionContext>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new InvalidOperationException("nft: table busy"));

        var result = await Reconciler(extension).ApplyAsync(Desired(Gate), Context, Ct);

        Assert.Equal(second, result.Failure?.FailedStep);
        Assert.Equal([first], result.Executed);
        Assert.Equal([first.Undo], result.Failure!.RestoreSteps);
        await extension.Received(1).ExecuteAsync(first.Undo!, Arg.Any<ExtensionContext>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Diff_reports_pending_extension_changes_as_host_drift()
    {
        ObserveReturns(Host(InSync(Gate)));
        var extension = Substitute.For<IReconcileExtension>();
        extension.Name.Returns("guard");
        extension.PlanAsync(Arg.Any<ExtensionContext>(), Arg.Any<CancellationToken>()).Returns([new NoteStep("table missing")]);

        var report = await Reconciler(extension).DiffAsync(Desired(Gate), Context, Ct);

        Assert.False(report.InSync);
        Assert.Equal(["note table missing"], report.HostChanges);
        Assert.Equal(GateStatus.InSync, Assert.Single(report.Gates).Status);
    }

    [Fact]
    public async Task The_command_line_backend_wins_over_the_state_file_and_auto_defers_to_it()
    {
        var chosen = new List<BackendKind>();
        var selector = BackendSelector.Default
            .WithBackend(BackendKind.Netlink, _ => Record(BackendKind.Netlink))
            .WithBackend(BackendKind.Iproute2, _ => Record(BackendKind.Iproute2));
        ObserveReturns(Host(InSync(Gate)));
        var fromFile = Desired(Gate) with { Host = HostSettings.Default with { Backend = BackendKind.Iproute2 } };
        var reconciler = new GateReconciler(selector);

        await reconciler.PlanAsync(fromFile, Context with { Backend = BackendKind.Auto }, Ct);
        await reconciler.PlanAsync(fromFile, Context with { Backend = BackendKind.Netlink }, Ct);
        await reconciler.PlanAsync(Desired(Gate), Context with { Backend = BackendKind.Auto }, Ct);

        Assert.Equal([BackendKind.Iproute2, BackendKind.Netlink, BackendKind.Netlink], chosen);

        IGateBackend Record(BackendKind kind)
        {
            chosen.Add(kind);
            return _backend;
        }
    }

    [Fact]
    public async Task A_backend_this_build_lacks_is_named_in_the_error()
    {
        // Every named kind has a backend now; a kind from a newer state schema does not.
        var error = await Assert.ThrowsAsync<BackendException>(async () =>
            await BackendSelector.Default.CreateAsync((BackendKind)99, Context, Ct));

        Assert.Contains("backend '99' is not available in this build", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_lockDirectory, recursive: true);

    private static System.Net.IPAddress IPAddressOf(string text) => System.Net.IPAddress.Parse(text);

    [Fact]
    public async Task While_a_gate_is_held_neither_it_nor_host_features_are_touched_and_the_result_says_why()
    {
        ObserveReturns(Host(InSync(Gate)));
        var extension = Substitute.For<IReconcileExtension>();
        var resolver = Substitute.For<IEndpointResolver>();
        var held = new EndpointResolution(
            "soracom", "vpg-test01", EndpointOrigin.None, null, 0, 0, "HTTP 500; no cached answer yet");
        resolver.ResolveAsync(Arg.Any<DesiredState>(), Arg.Any<CancellationToken>()).Returns(call => new ResolvedState(call.Arg<DesiredState>(), new([held])));
        var reconciler = new GateReconciler(BackendSelector.Default.WithBackend(BackendKind.Netlink, _ => _backend), [extension], resolver);

        var result = await reconciler.ApplyAsync(Desired(Soracom(endpoints: [])), Context, Ct);

        Assert.True(result.WasInSync);
        Assert.Equal([held], result.Sources);
        await extension.DidNotReceiveWithAnyArgs().PlanAsync(default!, Ct);
        await _backend.DidNotReceiveWithAnyArgs().ExecuteAsync(default!, Ct);
    }

    /// <summary>
    /// A gate in sync whose new state lowers the MTU and adds a third endpoint; the backend refuses that flood entry after
    /// the MTU was set, so the checkpoint is restored by setting the MTU back.
    /// </summary>
    private (GateSpec Changed, AddFlood Failing) MtuChangeWhoseThirdFloodAddFails()
    {
        var checkpoint = Host(InSync(Gate));
        var halfway = InSync(Gate);
        halfway = halfway with { Device = halfway.Device with { Mtu = 1400 } };
        ObserveReturns(checkpoint, Host(halfway), checkpoint);
        var failing = new AddFlood("soracom", "gate0", IPAddressOf("192.0.2.3"));
        _backend.ExecuteAsync(Arg.Is<IReadOnlyList<GateChange>>(c => GateChange.StepsOf(c).Contains(failing)), Arg.Any<CancellationToken>())
            .ThrowsAsync(new BackendException("fake", failing, 1, "No buffer space available"));
        return (Soracom(mtu: 1400, endpoints: ["192.0.2.1", "192.0.2.2", "192.0.2.3"]), failing);
    }

    private GateReconciler Reconciler(params IReconcileExtension[] extensions) =>
        new(BackendSelector.Default.WithBackend(BackendKind.Netlink, _ => _backend), extensions);

    private void ObserveReturns(ObservedHost first, params ObservedHost[] then) =>
        _backend.ObserveAsync(Arg.Any<ObserveRequest>(), Arg.Any<CancellationToken>()).Returns(first, then);

    /// <summary>An extension step that only names itself; its undo is a step named "undo NAME".</summary>
    private sealed record NoteStep(string Note) : ExtensionStep("guard", "", "")
    {
        public override string Action => "note";

        public override ExtensionStep? Undo => Note.StartsWith("undo ", StringComparison.Ordinal) ? null : new NoteStep("undo " + Note);

        public override string Describe() => "note " + Note;
    }
}
