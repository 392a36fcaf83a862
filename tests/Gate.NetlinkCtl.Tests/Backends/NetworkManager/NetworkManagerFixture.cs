using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Backends.NetworkManager;

/// <summary>
/// One real NetworkManager per test class (start-up costs about a second): a namespace dressed as a Gate Peer
/// host (underlay <c>u0</c>, 192.0.2.10/24, as <see cref="Reconcile.SampleGates"/> expects) and a NetworkManager on a
/// private bus. Tests in a class run one after another and use their own gate names, interfaces and VNIs.
/// </summary>
public class NetworkManagerFixture : IAsyncLifetime
{
    /// <summary>The underlay every test's gates sit on.</summary>
    public const string Underlay = "u0";

    /// <summary>The underlay's address, used as the gates' local address.</summary>
    public const string Local = "192.0.2.10";

    private TestNamespace? _namespace;
    private NetworkManagerInstance? _networkManager;

    /// <summary>How NetworkManager is configured: every device managed, unless a derived fixture says otherwise.</summary>
    protected virtual NetworkManagerOptions Options => new();

    /// <summary>The test namespace.</summary>
    public TestNamespace Namespace => _namespace ?? throw new InvalidOperationException("fixture not started");

    /// <summary>The NetworkManager running in it.</summary>
    public NetworkManagerInstance NetworkManager => _networkManager ?? throw new InvalidOperationException("fixture not started");

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        NetworkManagerInstance.RequirePrograms();
        _namespace = await TestNamespace.CreateAsync("nm");
        await Reconcile.GateHost.AddUnderlayAsync(_namespace, Underlay, Local + "/24");
        _networkManager = await NetworkManagerInstance.StartAsync(_namespace, Options);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_networkManager is not null)
            {
                await _networkManager.DisposeAsync();
            }
        }
        finally
        {
            if (_namespace is not null)
            {
                await _namespace.DisposeAsync();
            }

            GC.SuppressFinalize(this);
        }
    }
}
