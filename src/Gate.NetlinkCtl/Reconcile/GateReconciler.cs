using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Reconcile.Apply;
using Gate.NetlinkCtl.Reconcile.Diff;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.SoracomApi;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Reconcile;

/// <summary>
/// The in-process entry to gatectl's pipeline (resolve -> observe -> plan -> apply -> verify; load and validate are the
/// caller's), used by the CLI and the daemon:
/// one method per command, each returning a result record to print. Thread-safe; holds no state between calls.
/// </summary>
internal sealed class GateReconciler
{
    private readonly BackendSelector _backends;
    private readonly IReadOnlyList<IReconcileExtension> _extensions;
    private readonly IEndpointResolver _resolver;

    /// <summary>
    /// Creates a reconciler over <paramref name="backends"/> (default: <see cref="BackendSelector.Default"/>), host features,
    /// and the resolver of gates' SORACOM sources (default: the real API, with its cache under <c>host.stateDirectory</c>).
    /// </summary>
    public GateReconciler(BackendSelector? backends = null, IEnumerable<IReconcileExtension>? extensions = null, IEndpointResolver? resolver = null)
    {
        _backends = backends ?? BackendSelector.Default;
        _extensions = [.. extensions ?? []];
        _resolver = resolver ?? new EndpointResolver();
    }

    /// <summary>Observes and plans without changing anything (<c>plan</c>, <c>apply --dry-run</c>).</summary>
    public async Task<PlanResult> PlanAsync(DesiredState desired, ReconcileContext context, CancellationToken cancellationToken = default)
    {
        var resolved = await ResolveAsync(desired, cancellationToken).ConfigureAwait(false);
        await using var backend = await CreateBackendAsync(resolved.State, context, cancellationToken).ConfigureAwait(false);
        var (observed, plan) = await ObserveAndPlanAsync(backend, resolved, context, PlanRules.Apply, cancellationToken).ConfigureAwait(false);
        var choice = await ChooseAsync(backend, ObserveRequest.For(resolved.State), cancellationToken).ConfigureAwait(false);
        return new PlanResult(choice.Backend, plan, observed) { BackendChoices = choice.Reasons, Sources = resolved.Resolutions };
    }

    /// <summary>Reports per gate whether it is in sync, drifted or missing, and the foreign objects seen (<c>diff</c>).</summary>
    public async Task<DriftReport> DiffAsync(DesiredState desired, ReconcileContext context, CancellationToken cancellationToken = default)
    {
        var resolved = await ResolveAsync(desired, cancellationToken).ConfigureAwait(false);
        await using var backend = await CreateBackendAsync(resolved.State, context, cancellationToken).ConfigureAwait(false);
        var (observed, plan) = await ObserveAndPlanAsync(backend, resolved, context, PlanRules.Apply, cancellationToken).ConfigureAwait(false);
        var choice = await ChooseAsync(backend, ObserveRequest.For(resolved.State), cancellationToken).ConfigureAwait(false);
        return DriftReport.Create(choice.Backend, resolved, observed, plan);
    }

    /// <summary>Converges the host to <paramref name="desired"/>; on failure restores the pre-apply state (<c>apply</c>).</summary>
    /// <remarks>Gates whose SORACOM endpoints are unknown (API and cache failed) are left as they are; see <see cref="ApplyResult.Sources"/>.</remarks>
    public async Task<ApplyResult> ApplyAsync(DesiredState desired, ReconcileContext context, CancellationToken cancellationToken = default)
    {
        var resolved = await ResolveAsync(desired, cancellationToken).ConfigureAwait(false);
        var result = await RunAsync(resolved, context, PlanRules.Apply, cancellationToken).ConfigureAwait(false);
        // Registered once the gate is in place on the host, so the VPG sends to a host ready to receive.
        var registrations = result.Succeeded
            ? await _resolver.RegisterAsync(resolved, cancellationToken).ConfigureAwait(false) ?? EquatableList<RegistrationOutcome>.Empty
            : EquatableList<RegistrationOutcome>.Empty;
        return result with { Sources = resolved.Resolutions, Resolved = resolved, Registrations = registrations };
    }

    /// <summary>
    /// Removes exactly what gatectl made for the gates in <paramref name="desired"/>, whatever their <c>state</c> (<c>delete</c>),
    /// then unregisters this host from the VPG of each gate with <c>register: true</c>.
    /// </summary>
    public async Task<ApplyResult> DeleteAsync(DesiredState desired, ReconcileContext context, CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(ResolvedState.Of(AllAbsent(desired)), context, new PlanRules(PruneOrphans: false, AbsentReason: "gatectl delete"), cancellationToken).ConfigureAwait(false);
        var registrations = result.Succeeded
            ? await _resolver.UnregisterAsync(desired, cancellationToken).ConfigureAwait(false) ?? EquatableList<RegistrationOutcome>.Empty
            : EquatableList<RegistrationOutcome>.Empty;
        return result with { Registrations = registrations };
    }

    /// <summary>Ends what the reconciler holds outside the host: the SORACOM API sessions kept in memory are revoked (the daemon, when it stops).</summary>
    public async Task<IReadOnlyList<string>> CloseAsync(CancellationToken cancellationToken = default) =>
        await _resolver.CloseAsync(cancellationToken).ConfigureAwait(false) ?? [];

    /// <summary>gatectl's gates as they are in the kernel, in the state file's schema (<c>show</c>).</summary>
    public async Task<ShowResult> ShowAsync(ReconcileContext context, CancellationToken cancellationToken = default)
    {
        await using var backend = await _backends.CreateAsync(context.Backend, context, cancellationToken).ConfigureAwait(false);
        var owned = await backend.ObserveAsync(ObserveRequest.OwnedOnly, cancellationToken).ConfigureAwait(false);
        var observed = await backend.ObserveAsync(ShownState.UnderlaysOf(owned), cancellationToken).ConfigureAwait(false);
        var (state, skipped) = ShownState.FromObserved(observed);
        var choice = await ChooseAsync(backend, ShownState.UnderlaysOf(owned), cancellationToken).ConfigureAwait(false);
        return new ShowResult(choice.Backend, state, skipped, observed);
    }

    /// <summary>
    /// Observes the named devices, whatever they are, with the underlays the VXLAN ones sit on (<c>import</c>); changes nothing.
    /// </summary>
    public async Task<ObservedHost> ObserveDevicesAsync(IReadOnlyList<string> interfaces, ReconcileContext context, CancellationToken cancellationToken = default)
    {
        await using var backend = await _backends.CreateAsync(context.Backend, context, cancellationToken).ConfigureAwait(false);
        var names = interfaces.Distinct().ToEquatableList();
        var devices = await backend.ObserveAsync(new ObserveRequest(names, EquatableList<string>.Empty), cancellationToken).ConfigureAwait(false);
        var underlays = devices.Gates.Where(g => names.Contains(g.Interface)).Select(g => g.Device.Vxlan?.UnderlayName).OfType<string>().Distinct().ToEquatableList();
        return await backend.ObserveAsync(new ObserveRequest(names, underlays), cancellationToken).ConfigureAwait(false);
    }

    private async Task<ApplyResult> RunAsync(ResolvedState resolved, ReconcileContext context, PlanRules rules, CancellationToken cancellationToken)
    {
        var desired = resolved.State;
        await using var backend = await CreateBackendAsync(desired, context, cancellationToken).ConfigureAwait(false);
        ApplyLock applyLock;
        using (StageTimings.Start("lock"))
        {
            applyLock = await ApplyLock.AcquireAsync(context, cancellationToken).ConfigureAwait(false);
        }

        using var heldLock = applyLock;
        var (checkpoint, plan) = await ObserveAndPlanAsync(backend, resolved, context, rules, cancellationToken).ConfigureAwait(false);
        var name = (await ChooseAsync(backend, ObserveRequest.For(desired), cancellationToken).ConfigureAwait(false)).Backend;
        if (!plan.CanApply)
        {
            var message = "nothing was changed: " + string.Join("; ", plan.Problems);
            return Failed(ApplyStage.Plan, message, null, EquatableList<PlanStep>.Empty, EquatableList<PlanStep>.Empty, null, checkpoint);
        }

        if (plan.Steps.Count == 0)
        {
            return new ApplyResult(name, plan, EquatableList<PlanStep>.Empty, null, checkpoint);
        }

        var run = new PlanRun(backend, _extensions, new ExtensionContext(desired, checkpoint, context));
        try
        {
            await run.ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping half-way would leave a mixed host: put it back first, whatever the caller's token says.
            await Rollback.RestoreAsync(backend, run, checkpoint, desired, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (Exception failure) when (failure is not OutOfMemoryException)
        {
            var (restoreSteps, restoreError, after) = await Rollback.RestoreAsync(backend, run, checkpoint, desired, CancellationToken.None).ConfigureAwait(false);
            return Failed(ApplyStage.Execute, failure.Message, run.FailedStep, run.Executed.ToEquatableList(), restoreSteps, restoreError, after);
        }

        var (verified, remaining) = await ObserveAndPlanAsync(backend, resolved, context, rules, cancellationToken, stage: "verify").ConfigureAwait(false);
        if (!remaining.InSync)
        {
            var message = "applied, but the host still differs: "
                + string.Join("; ", remaining.Steps.Select(s => s.Describe()).Concat(remaining.Problems.Select(p => p.ToString())));
            return Failed(ApplyStage.Verify, message, null, run.Executed.ToEquatableList(), EquatableList<PlanStep>.Empty, null, verified);
        }

        // What the host is now decides the name (a gate this apply made a profile, one it deleted).
        name = (await ChooseAsync(backend, ObserveRequest.For(desired), cancellationToken).ConfigureAwait(false)).Backend;
        return new ApplyResult(name, plan, run.Executed.ToEquatableList(), null, verified);

        ApplyResult Failed(ApplyStage stage, string message, PlanStep? step, EquatableList<PlanStep> executed, EquatableList<PlanStep> restore, string? restoreError, ObservedHost observed) =>
            new(name, plan, executed, new ApplyFailure(stage, message, step, restore, restoreError), observed);
    }

    // stage: how the timings name this pass ("verify" after an apply: its observe, plan and guard parts).
    private async Task<(ObservedHost Observed, ReconcilePlan Plan)> ObserveAndPlanAsync(
        IGateBackend backend, ResolvedState resolved, ReconcileContext context, PlanRules rules, CancellationToken cancellationToken, string stage = "")
    {
        var desired = resolved.State;
        var prefix = stage.Length == 0 ? "" : stage + " ";
        ObservedHost observed;
        using (StageTimings.Start(prefix + "observe"))
        {
            observed = await backend.ObserveAsync(ObserveRequest.For(desired), cancellationToken).ConfigureAwait(false);
        }

        var planning = StageTimings.Start(prefix + "plan");
        var plan = GatePlanner.Plan(resolved, observed, rules.PruneOrphans, rules.AbsentReason);
        // A gate that does not fit its VPG (VNI, device subnet, Gate closed) would be a silently dead tunnel: refuse it.
        var misfits = resolved.Resolutions
            .SelectMany(s => s.Problems.Select(p => new PlanProblem(s.Gate, desired.Gates.FirstOrDefault(g => g.Name == s.Gate)?.Interface ?? "", p)))
            .ToList();
        if (misfits.Count > 0)
        {
            plan = plan with { Problems = plan.Problems.Concat(misfits).ToEquatableList() };
        }

        planning.Dispose();
        // Host features are built from every gate's endpoints (the guard's allow list): with a gate's unknown, they stay as they are.
        if (_extensions.Count == 0 || resolved.AnyHeld)
        {
            return (observed, plan);
        }

        var extensionContext = new ExtensionContext(desired, observed, context);
        var extra = new List<ExtensionStep>();
        foreach (var extension in _extensions)
        {
            using var timed = StageTimings.Start($"{prefix}{extension.Name} (observe and plan)");
            extra.AddRange(await extension.PlanAsync(extensionContext, cancellationToken).ConfigureAwait(false));
        }

        return (observed, plan with { HostSteps = extra.ToEquatableList() });
    }

    /// <summary>The backend a command on <paramref name="desired"/> runs through (the daemon keeps one open for its fast path).</summary>
    public ValueTask<IGateBackend> OpenBackendAsync(DesiredState desired, ReconcileContext context, CancellationToken cancellationToken = default) =>
        CreateBackendAsync(desired, context, cancellationToken);

    // Which backend results name: a backend that decides per gate (auto) says, for what the request names.
    private static async Task<BackendChoice> ChooseAsync(IGateBackend backend, ObserveRequest request, CancellationToken cancellationToken) =>
        backend is IBackendChoice chooser
            ? await chooser.ChooseAsync(request, cancellationToken).ConfigureAwait(false)
            : new BackendChoice(backend.Name, []);

    private async ValueTask<IGateBackend> CreateBackendAsync(DesiredState desired, ReconcileContext context, CancellationToken cancellationToken)
    {
        using var timed = StageTimings.Start("backend");
        return await _backends.CreateAsync(context.Backend == BackendKind.Auto ? desired.Host.Backend : context.Backend, context, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ResolvedState> ResolveAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        using var timed = StageTimings.Start("resolve");
        return await _resolver.ResolveAsync(desired, cancellationToken).ConfigureAwait(false);
    }

    private static DesiredState AllAbsent(DesiredState desired) => desired with
    {
        Gates = desired.Gates.Select(g => g with { State = GatePresence.Absent }).ToEquatableList(),
    };

    /// <summary>How apply and delete differ: delete never prunes other gates, and says why it deletes.</summary>
    private sealed record PlanRules(bool PruneOrphans, string AbsentReason)
    {
        public static PlanRules Apply { get; } = new(PruneOrphans: true, AbsentReason: "state: absent");
    }
}
