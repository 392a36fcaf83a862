using System.Net;
using Gate.NetlinkCtl.Backends;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.Reconcile.Observe;
using Gate.NetlinkCtl.Reconcile.Plan;
using Gate.NetlinkCtl.State;
using Gate.NetlinkCtl.TestSupport;
using Gate.NetlinkCtl.Tests.Reconcile;
using static Gate.NetlinkCtl.Tests.Reconcile.SampleGates;

namespace Gate.NetlinkCtl.Tests.Reliability;

/// <summary>
/// The kernel refuses part of a batch (as a full FDB would, with ENOSPC): the first half of the new flood entries is
/// in the kernel, the rest refused. apply must fail with a clear error naming the step and the errno, put the host
/// back as it was (foreign objects included), and a later apply must converge.
/// </summary>
public sealed class PartialBatchRefusalTests
{
    public static TheoryData<BackendKind> Backends => ApplyInNamespaceTests.Backends;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_batch_the_kernel_refuses_half_way_fails_clearly_and_leaves_the_host_as_it_was(BackendKind backend)
    {
        await using var host = await GateHost.CreateAsync(backend);
        Assert.Null((await host.Reconciler.ApplyAsync(Desired(Soracom()), host.Context, Ct)).Failure);
        var foreign = await ForeignObjects.AddAsync(host.Namespace);
        var before = await host.ObserveAsync("gate0");
        var kernelBefore = await KernelSnapshot.TakeAsync(host.Namespace);
        RefusingBackend? refusing = null;
        var reconciler = new GateReconciler(BackendSelector.Default.WithBackend(backend, context =>
            refusing = new RefusingBackend(GateHost.NewBackend(backend, context.Netns))));
        var wide = Desired(Soracom(endpoints: [.. Enumerable.Range(1, 200).Select(i => $"198.51.100.{i}")]));

        var failed = await reconciler.ApplyAsync(wide, host.Context, Ct);

        Assert.True(refusing!.Accepted >= 50, $"only {refusing.Accepted} steps reached the kernel before the refusal");
        Assert.Equal(ApplyStage.Execute, failed.Failure?.Stage);
        Assert.IsType<AddFlood>(failed.Failure!.FailedStep);
        Assert.Contains("No space left on device (ENOSPC)", failed.Failure.Message, StringComparison.Ordinal);
        Assert.True(failed.Failure.Restored, failed.Failure.RestoreError);
        Assert.Contains(failed.Failure.RestoreSteps, s => s is RemoveFlood);
        Assert.Equal(before, await host.ObserveAsync("gate0"));
        Assert.Equal(kernelBefore, await KernelSnapshot.TakeAsync(host.Namespace));
        await foreign.AssertIntactAsync("after the refused batch");

        var converged = await host.Reconciler.ApplyAsync(wide, host.Context, Ct);

        Assert.Null(converged.Failure);
        Assert.Equal(200, (await host.ObserveAsync("gate0")).Find("gate0")!.OwnedFloods.Count());
        await foreign.AssertIntactAsync("after the apply that converged");
    }

    /// <summary>
    /// A real backend whose kernel refuses the middle of the first batch of new flood entries: the steps before it are
    /// executed for real (in one batch), the refused one fails with ENOSPC, the rest never run. Later calls (the
    /// restore) pass through.
    /// </summary>
    private sealed class RefusingBackend(IGateBackend inner) : IGateBackend
    {
        private bool _refused;

        /// <summary>How many steps reached the kernel in the call that was refused.</summary>
        public int Accepted { get; private set; }

        public string Name => inner.Name;

        public Task<ObservedHost> ObserveAsync(ObserveRequest request, CancellationToken cancellationToken = default) =>
            inner.ObserveAsync(request, cancellationToken);

        public async Task ExecuteAsync(IReadOnlyList<GateChange> changes, CancellationToken cancellationToken = default)
        {
            var steps = GateChange.StepsOf(changes);
            var floods = steps.Select((step, index) => (step, index)).Where(s => s.step is AddFlood).ToList();
            if (_refused || floods.Count < 100)
            {
                await inner.ExecuteAsync(changes, cancellationToken);
                return;
            }

            _refused = true;
            var refusedAt = floods[floods.Count / 2].index;
            await inner.ExecuteAsync(GateChange.Group(steps.Take(refusedAt)), cancellationToken);
            Accepted = refusedAt;
            var step = (AddFlood)steps[refusedAt];
            throw new BackendException(inner.Name, step, refusedAt,
                $"RTM_NEWNEIGH {step.Interface} 00:00:00:00:00:00 dst {step.Destination}: No space left on device (ENOSPC): the device's FDB is full");
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
