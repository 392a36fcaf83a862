using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;

namespace Gate.NetlinkCtl.Tests.Reconcile;

/// <summary>
/// Wraps a real backend to record every step handed to it; with <see cref="BeforeStep"/> set, it hands steps over one
/// at a time and lets the test change the host between them (to inject a failure part-way).
/// </summary>
internal sealed class RecordingBackend(IGateBackend inner) : IGateBackend
{
    private readonly List<PlanStep> _steps = [];

    /// <summary>Every step the reconciler asked to execute, in order.</summary>
    public IReadOnlyList<PlanStep> Steps => _steps;

    /// <summary>Runs before each step is executed; the test's way to disturb the host mid-apply.</summary>
    public Func<PlanStep, Task>? BeforeStep { get; set; }

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public Task<ObservedHost> ObserveAsync(ObserveRequest request, CancellationToken cancellationToken = default) =>
        inner.ObserveAsync(request, cancellationToken);

    /// <inheritdoc />
    public async Task ExecuteAsync(IReadOnlyList<GateChange> changes, CancellationToken cancellationToken = default)
    {
        var steps = GateChange.StepsOf(changes);
        _steps.AddRange(steps);
        if (BeforeStep is null)
        {
            await inner.ExecuteAsync(changes, cancellationToken);
            return;
        }

        for (var i = 0; i < steps.Count; i++)
        {
            await BeforeStep(steps[i]);
            try
            {
                await inner.ExecuteAsync(GateChange.Group([steps[i]]), cancellationToken);
            }
            catch (BackendException failure)
            {
                throw new BackendException(failure.Backend, steps[i], i, failure.Reason, failure);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
