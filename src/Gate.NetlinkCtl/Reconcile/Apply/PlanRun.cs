using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Reconcile.Plan;

namespace Gate.NetlinkCtl.Reconcile.Apply;

/// <summary>Executes one plan: the gates' changes through the backend in one call, then each extension step; records what completed.</summary>
internal sealed class PlanRun(IGateBackend backend, IReadOnlyList<IReconcileExtension> extensions, ExtensionContext context)
{
    private readonly List<PlanStep> _executed = [];
    private readonly List<ExtensionStep> _extensionDone = [];

    /// <summary>Steps that completed, in order.</summary>
    public IReadOnlyList<PlanStep> Executed => _executed;

    /// <summary>The step that failed, if one did.</summary>
    public PlanStep? FailedStep { get; private set; }

    /// <summary>Runs the plan; throws on the first failure after recording it.</summary>
    public async Task ExecuteAsync(ReconcilePlan plan, CancellationToken cancellationToken)
    {
        var gateSteps = GateChange.StepsOf(plan.Changes);
        try
        {
            using var timed = StageTimings.Start("apply");
            await backend.ExecuteAsync(plan.Changes, cancellationToken).ConfigureAwait(false);
            _executed.AddRange(gateSteps);
        }
        catch (BackendException failure)
        {
            _executed.AddRange(gateSteps.Take(failure.CompletedSteps));
            FailedStep = failure.Step ?? gateSteps.ElementAtOrDefault(failure.CompletedSteps);
            throw;
        }

        foreach (var step in plan.HostSteps)
        {
            FailedStep = step;
            using var timed = StageTimings.Start($"apply {step.Extension}");
            await Find(step).ExecuteAsync(step, context, cancellationToken).ConfigureAwait(false);
            FailedStep = null;
            _executed.Add(step);
            _extensionDone.Add(step);
        }
    }

    /// <summary>Runs the undo of every completed extension step, newest first; returns what it ran.</summary>
    public async Task<IReadOnlyList<PlanStep>> UndoExtensionsAsync(CancellationToken cancellationToken)
    {
        var undone = new List<PlanStep>();
        for (var i = _extensionDone.Count - 1; i >= 0; i--)
        {
            if (_extensionDone[i].Undo is { } undo)
            {
                await Find(undo).ExecuteAsync(undo, context, cancellationToken).ConfigureAwait(false);
                undone.Add(undo);
            }
        }

        return undone;
    }

    private IReconcileExtension Find(ExtensionStep step) =>
        extensions.FirstOrDefault(e => e.Name == step.Extension)
        ?? throw new InvalidOperationException($"no extension named '{step.Extension}' to execute {step.Describe()}");
}
