using System.Collections.Immutable;
using Gate.NetlinkCtl.Backends.Iproute2;
using Gate.NetlinkCtl.Backends.Netlink;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Backends;

/// <summary>
/// Chooses and creates the backend for a reconcile: a factory per <see cref="BackendKind"/> plus the rule that
/// resolves <see cref="BackendKind.Auto"/>. Immutable: <c>With...</c> returns a changed copy.
/// </summary>
public sealed class BackendSelector
{
    private readonly ImmutableDictionary<BackendKind, Func<ReconcileContext, IGateBackend>> _factories;
    private readonly Func<ReconcileContext, CancellationToken, ValueTask<BackendKind>> _autoRule;

    private BackendSelector(
        ImmutableDictionary<BackendKind, Func<ReconcileContext, IGateBackend>> factories,
        Func<ReconcileContext, CancellationToken, ValueTask<BackendKind>> autoRule)
    {
        _factories = factories;
        _autoRule = autoRule;
    }

    /// <summary>netlink and iproute2; <c>auto</c> means netlink.</summary>
    public static BackendSelector Default { get; } = new(
        ImmutableDictionary<BackendKind, Func<ReconcileContext, IGateBackend>>.Empty
            .Add(BackendKind.Netlink, context => new NetlinkBackend(context.Netns))
            .Add(BackendKind.Iproute2, context => new Iproute2Backend(context.Netns)),
        (_, _) => ValueTask.FromResult(BackendKind.Netlink));

    /// <summary>A copy that creates <paramref name="kind"/> with <paramref name="factory"/>.</summary>
    public BackendSelector WithBackend(BackendKind kind, Func<ReconcileContext, IGateBackend> factory) =>
        new(_factories.SetItem(kind, factory), _autoRule);

    /// <summary>A copy whose <c>auto</c> resolves by <paramref name="rule"/> (which must not return <c>Auto</c>).</summary>
    public BackendSelector WithAutoRule(Func<ReconcileContext, CancellationToken, ValueTask<BackendKind>> rule) =>
        new(_factories, rule);

    /// <summary>The concrete backend kind <paramref name="requested"/> means here.</summary>
    public async ValueTask<BackendKind> ResolveAsync(BackendKind requested, ReconcileContext context, CancellationToken cancellationToken = default) =>
        requested == BackendKind.Auto ? await _autoRule(context, cancellationToken).ConfigureAwait(false) : requested;

    /// <summary>Creates the backend <paramref name="requested"/> resolves to; throws when this build has none for it.</summary>
    public async ValueTask<IGateBackend> CreateAsync(BackendKind requested, ReconcileContext context, CancellationToken cancellationToken = default)
    {
        var kind = await ResolveAsync(requested, context, cancellationToken).ConfigureAwait(false);
        return _factories.TryGetValue(kind, out var factory)
            ? factory(context)
            : throw new BackendException($"backend '{kind.ToString().ToLowerInvariant()}' is not available in this build: choose --backend netlink or iproute2");
    }
}
