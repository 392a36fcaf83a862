using System.Collections.Immutable;
using Gate.NetlinkCtl.Backends.Iproute2;
using Gate.NetlinkCtl.Backends.Netlink;
using Gate.NetlinkCtl.Backends.NetworkManager;
using Gate.NetlinkCtl.Reconcile;
using Gate.NetlinkCtl.State;

namespace Gate.NetlinkCtl.Backends;

/// <summary>
/// Chooses and creates the backend for a reconcile: a factory per <see cref="BackendKind"/> plus the rule that
/// resolves <see cref="BackendKind.Auto"/>. Immutable: <c>With...</c> returns a changed copy.
/// </summary>
internal sealed class BackendSelector
{
    private readonly ImmutableDictionary<BackendKind, Func<ReconcileContext, IGateBackend>> _factories;
    private readonly Func<ReconcileContext, CancellationToken, ValueTask<BackendKind>> _autoRule;
    private readonly Func<ReconcileContext, Func<IGateBackend>, IGateBackend>? _autoBackend;

    private BackendSelector(
        ImmutableDictionary<BackendKind, Func<ReconcileContext, IGateBackend>> factories,
        Func<ReconcileContext, CancellationToken, ValueTask<BackendKind>> autoRule,
        Func<ReconcileContext, Func<IGateBackend>, IGateBackend>? autoBackend)
    {
        _factories = factories;
        _autoRule = autoRule;
        _autoBackend = autoBackend;
    }

    /// <summary>
    /// netlink, iproute2 and NetworkManager (on the system bus); <c>auto</c> makes a gate a NetworkManager profile when
    /// NetworkManager runs and manages its underlay, a netlink device otherwise (<see cref="NetworkManagerBackends"/>).
    /// </summary>
    public static BackendSelector Default { get; } = NetworkManagerBackends.Register(new(
        ImmutableDictionary<BackendKind, Func<ReconcileContext, IGateBackend>>.Empty
            .Add(BackendKind.Netlink, context => new NetlinkBackend(context.Netns))
            .Add(BackendKind.Iproute2, context => new Iproute2Backend(context.Netns)),
        (_, _) => ValueTask.FromResult(BackendKind.Netlink),
        null));

    /// <summary>A copy that creates <paramref name="kind"/> with <paramref name="factory"/>.</summary>
    public BackendSelector WithBackend(BackendKind kind, Func<ReconcileContext, IGateBackend> factory) =>
        new(_factories.SetItem(kind, factory), _autoRule, _autoBackend);

    /// <summary>A copy whose <c>auto</c> resolves by <paramref name="rule"/> (which must not return <c>Auto</c>); it replaces any auto backend.</summary>
    public BackendSelector WithAutoRule(Func<ReconcileContext, CancellationToken, ValueTask<BackendKind>> rule) =>
        new(_factories, rule, null);

    /// <summary>
    /// A copy whose <c>auto</c> creates <paramref name="factory"/>'s backend, which decides per gate by itself and says
    /// why (<see cref="IBackendChoice"/>); it takes precedence over the auto rule. The factory's second argument creates
    /// this selector's netlink backend, for the gates (and the kernel objects) the auto backend leaves to rtnetlink.
    /// </summary>
    public BackendSelector WithAutoBackend(Func<ReconcileContext, Func<IGateBackend>, IGateBackend> factory) =>
        new(_factories, _autoRule, factory);

    /// <summary>The concrete backend kind <paramref name="requested"/> means here.</summary>
    public async ValueTask<BackendKind> ResolveAsync(BackendKind requested, ReconcileContext context, CancellationToken cancellationToken = default) =>
        requested == BackendKind.Auto ? await _autoRule(context, cancellationToken).ConfigureAwait(false) : requested;

    /// <summary>Creates the backend <paramref name="requested"/> resolves to; throws when this build has none for it.</summary>
    public async ValueTask<IGateBackend> CreateAsync(BackendKind requested, ReconcileContext context, CancellationToken cancellationToken = default)
    {
        if (requested == BackendKind.Auto && _autoBackend is not null)
        {
            return _autoBackend(context, () => Create(BackendKind.Netlink, context));
        }

        return Create(await ResolveAsync(requested, context, cancellationToken).ConfigureAwait(false), context);
    }

    private IGateBackend Create(BackendKind kind, ReconcileContext context)
    {
        return _factories.TryGetValue(kind, out var factory)
            ? factory(context)
            : throw new BackendException($"backend '{kind.ToString().ToLowerInvariant()}' is not available in this build: choose --backend netlink, iproute2 or networkmanager");
    }
}
