using Gate.NetlinkCtl.TestSupport;

namespace Gate.NetlinkCtl.Tests.Backends.NetworkManager;

/// <summary>
/// One real NetworkManager per test class (start-up costs about a second): a namespace with a veth underlay
/// <c>gu0</c> (192.0.2.1/24) and a NetworkManager on a private bus. Tests use their own gate names and
/// interfaces, so sharing it is safe.
/// </summary>
public sealed class NetworkManagerFixture : IAsyncLifetime
{
    /// <summary>The underlay every test's gates sit on.</summary>
    public const string Underlay = "gu0";

    /// <summary>The underlay's address, used as the gates' local address.</summary>
    public const string Local = "192.0.2.1";

    private TestNamespace? _namespace;
    private NetworkManagerInstance? _networkManager;

    /// <summary>The test namespace.</summary>
    public TestNamespace Namespace => _namespace ?? throw new InvalidOperationException("fixture not started");

    /// <summary>The NetworkManager running in it.</summary>
    public NetworkManagerInstance NetworkManager => _networkManager ?? throw new InvalidOperationException("fixture not started");

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        NetworkManagerInstance.RequirePrograms();
        _namespace = await TestNamespace.CreateAsync("nm");
        await _namespace.IpAsync("link", "add", Underlay, "type", "veth", "peer", "name", Underlay + "p");
        await _namespace.IpAsync("link", "set", Underlay + "p", "up");
        await _namespace.IpAsync("addr", "add", Local + "/24", "dev", Underlay);
        await _namespace.IpAsync("link", "set", Underlay, "up");
        _networkManager = await NetworkManagerInstance.StartAsync(_namespace);
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
        }
    }
}
