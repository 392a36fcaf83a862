using Tmds.DBus.Protocol;

namespace Gate.NetlinkCtl.Backends.NetworkManager.Bus;

/// <summary>
/// A small, hand-written NetworkManager D-Bus client over Tmds.DBus.Protocol: only the calls gatectl makes.
/// Every call carries <c>NO_AUTO_START</c>, so an absent NetworkManager is reported at once rather than
/// after the bus tries to start it; every failure becomes a <see cref="NetworkManagerException"/> that names
/// the call, the object and what NetworkManager (or the bus) said.
/// </summary>
internal sealed class NetworkManagerClient : INetworkManager
{
    /// <summary>NetworkManager's well-known bus name.</summary>
    public const string Service = "org.freedesktop.NetworkManager";

    private const string ManagerPath = "/org/freedesktop/NetworkManager";
    private const string SettingsPath = "/org/freedesktop/NetworkManager/Settings";
    private const string ManagerInterface = "org.freedesktop.NetworkManager";
    private const string SettingsInterface = "org.freedesktop.NetworkManager.Settings";
    private const string ConnectionInterface = "org.freedesktop.NetworkManager.Settings.Connection";
    private const string DeviceInterface = "org.freedesktop.NetworkManager.Device";
    private const string ActiveInterface = "org.freedesktop.NetworkManager.Connection.Active";
    private const string PropertiesInterface = "org.freedesktop.DBus.Properties";
    private const string NoObject = "/";
    private const string BusPath = "/org/freedesktop/DBus";
    private const string BusInterface = "org.freedesktop.DBus";

    /// <summary>How long <c>backend: auto</c> waits for the bus and NetworkManager before it falls back to rtnetlink.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long any call waits for its answer: a wedged bus or NetworkManager must not stop gatectl for ever.</summary>
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(10);

    private delegate void BodyWriter(ref MessageWriter writer);

    /// <summary>The socket path of a plain <c>unix:path=P</c> address when nothing exists at P; null otherwise.</summary>
    private static string? MissingSocket(string address)
    {
        const string Prefix = "unix:path=";
        if (!address.StartsWith(Prefix, StringComparison.Ordinal) || address.Contains(';', StringComparison.Ordinal) || address.Contains('%', StringComparison.Ordinal)
            || address.Contains(',', StringComparison.Ordinal))
        {
            return null;
        }

        var path = address[Prefix.Length..];
        return File.Exists(path) ? null : path;
    }

    private readonly DBusConnection _connection;

    private NetworkManagerClient(DBusConnection connection, string busAddress, TimeSpan callTimeout)
    {
        _connection = connection;
        BusAddress = busAddress;
        CallTimeout = callTimeout;
    }

    /// <inheritdoc />
    public string BusAddress { get; }

    /// <summary>How long each call waits for its answer before it fails with <see cref="NetworkManagerUnavailableException"/>.</summary>
    public TimeSpan CallTimeout { get; set; }

    /// <summary>Connects as <see cref="ConnectAsync(string?, TimeSpan?, CancellationToken)"/> does, with the default call timeout.</summary>
    public static Task<NetworkManagerClient> ConnectAsync(string? busAddress, CancellationToken cancellationToken) =>
        ConnectAsync(busAddress, null, cancellationToken);

    /// <summary>
    /// Connects to the system bus (<paramref name="busAddress"/>, else <see cref="SystemBus.Address"/>) and checks that
    /// NetworkManager answers; throws <see cref="NetworkManagerUnavailableException"/> naming the address otherwise, also
    /// when the bus or NetworkManager does not answer within <paramref name="timeout"/> (default <see cref="DefaultCallTimeout"/>),
    /// which then bounds every call of the client too.
    /// </summary>
    public static async Task<NetworkManagerClient> ConnectAsync(string? busAddress = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? DefaultCallTimeout;
        var address = busAddress ?? SystemBus.Address;
        if (MissingSocket(address) is { } missing)
        {
            // Most hosts without NetworkManager have no system bus either: say so without setting up a D-Bus
            // connection, which costs a few milliseconds of every gatectl start.
            throw new NetworkManagerUnavailableException(address, $"cannot connect to the bus (no socket at {missing})");
        }

        var connection = new DBusConnection(address);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(limit, cancellationToken);
        }
        catch (TimeoutException e)
        {
            connection.Dispose();
            throw new NetworkManagerUnavailableException(address, $"the D-Bus system bus accepted the connection but did not answer its Hello within {Seconds(limit)} (a wedged dbus-daemon?)", e);
        }
        catch (Exception e) when (e is DBusConnectionException or IOException or System.Net.Sockets.SocketException or ArgumentException)
        {
            connection.Dispose();
            throw new NetworkManagerUnavailableException(address, $"cannot connect to the bus ({e.Message})", e);
        }

        var client = new NetworkManagerClient(connection, address, limit);
        try
        {
            await client.GetVersionAsync(cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public Task<int> GetProcessIdAsync(CancellationToken cancellationToken = default) =>
        CallAsync(BusPath, BusInterface, "GetConnectionUnixProcessID", "s",
            (ref MessageWriter w) => w.WriteString(Service),
            (Message m, object? _) => (int)m.GetBodyReader().ReadUInt32(),
            cancellationToken,
            destination: BusInterface);

    /// <inheritdoc />
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken = default) =>
        (await GetPropertyAsync(ManagerPath, ManagerInterface, "Version", cancellationToken)).GetString();

    /// <inheritdoc />
    public async Task<NmDevice?> FindDeviceAsync(string interfaceName, CancellationToken cancellationToken = default)
    {
        string path;
        try
        {
            path = await CallAsync(ManagerPath, ManagerInterface, "GetDeviceByIpIface", "s",
                (ref MessageWriter w) => w.WriteString(interfaceName), ReadObjectPath, cancellationToken);
        }
        catch (NetworkManagerException e) when (e.ErrorName == "org.freedesktop.NetworkManager.UnknownDevice")
        {
            return null;
        }

        var properties = await GetAllPropertiesAsync(path, DeviceInterface, cancellationToken);
        var active = properties.TryGetValue("ActiveConnection", out var a) ? a.GetObjectPathAsString() : NoObject;
        return new NmDevice(
            path,
            properties["Interface"].GetString(),
            properties["Managed"].GetBool(),
            (NmDeviceState)properties["State"].GetUInt32(),
            active == NoObject ? null : active);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<NmProfile>> ListProfilesAsync(CancellationToken cancellationToken = default)
    {
        var paths = await CallAsync(SettingsPath, SettingsInterface, "ListConnections", null, null,
            (Message m, object? _) => m.GetBodyReader().ReadArrayOfObjectPath(), cancellationToken);
        var profiles = new List<NmProfile>(paths.Length);
        foreach (var path in paths)
        {
            try
            {
                profiles.Add(new NmProfile(path.ToString(), await GetSettingsAsync(path.ToString(), cancellationToken)));
            }
            catch (NetworkManagerException e) when (e.ErrorName == "org.freedesktop.DBus.Error.UnknownMethod" ||
                                                    e.ErrorName == "org.freedesktop.DBus.Error.UnknownObject")
            {
                // Deleted between the listing and the read: it is simply no longer there.
            }
        }

        return profiles;
    }

    /// <inheritdoc />
    public async Task<NmProfile?> FindProfileAsync(Guid uuid, CancellationToken cancellationToken = default)
    {
        string path;
        try
        {
            path = await CallAsync(SettingsPath, SettingsInterface, "GetConnectionByUuid", "s",
                (ref MessageWriter w) => w.WriteString(uuid.ToString()), ReadObjectPath, cancellationToken);
        }
        catch (NetworkManagerException e) when (e.ErrorName == "org.freedesktop.NetworkManager.Settings.InvalidConnection")
        {
            return null;
        }

        return new NmProfile(path, await GetSettingsAsync(path, cancellationToken));
    }

    /// <inheritdoc />
    public Task<string> AddProfileAsync(NmSettings settings, CancellationToken cancellationToken = default) =>
        CallAsync(SettingsPath, SettingsInterface, "AddConnection", "a{sa{sv}}",
            (ref MessageWriter w) => settings.WriteTo(ref w), ReadObjectPath, cancellationToken);

    /// <inheritdoc />
    public Task UpdateProfileAsync(string profilePath, NmSettings settings, CancellationToken cancellationToken = default) =>
        CallAsync(profilePath, ConnectionInterface, "Update", "a{sa{sv}}",
            (ref MessageWriter w) => settings.WriteTo(ref w), ReadNothing, cancellationToken);

    /// <inheritdoc />
    public Task DeleteProfileAsync(string profilePath, CancellationToken cancellationToken = default) =>
        CallAsync(profilePath, ConnectionInterface, "Delete", null, null, ReadNothing, cancellationToken);

    /// <inheritdoc />
    public Task<string> ActivateAsync(string profilePath, CancellationToken cancellationToken = default) =>
        CallAsync(ManagerPath, ManagerInterface, "ActivateConnection", "ooo",
            (ref MessageWriter w) =>
            {
                w.WriteObjectPath(profilePath);
                w.WriteObjectPath(NoObject);
                w.WriteObjectPath(NoObject);
            },
            ReadObjectPath,
            cancellationToken);

    /// <inheritdoc />
    public async Task DeactivateAsync(string activeConnectionPath, CancellationToken cancellationToken = default)
    {
        try
        {
            await CallAsync(ManagerPath, ManagerInterface, "DeactivateConnection", "o",
                (ref MessageWriter w) => w.WriteObjectPath(activeConnectionPath), ReadNothing, cancellationToken);
        }
        catch (NetworkManagerException e) when (e.ErrorName == "org.freedesktop.NetworkManager.ConnectionNotActive")
        {
            // Already inactive: the goal is reached.
        }
    }

    /// <inheritdoc />
    public async Task<NmActiveConnection?> GetActiveConnectionAsync(string activeConnectionPath, CancellationToken cancellationToken = default)
    {
        Dictionary<string, VariantValue> properties;
        try
        {
            properties = await GetAllPropertiesAsync(activeConnectionPath, ActiveInterface, cancellationToken);
        }
        catch (NetworkManagerException e) when (e.ErrorName is "org.freedesktop.DBus.Error.UnknownObject" or "org.freedesktop.DBus.Error.UnknownMethod"
                                                     or "org.freedesktop.DBus.Error.InvalidArgs")
        {
            return null;
        }

        if (properties.Count == 0)
        {
            return null;
        }

        return new NmActiveConnection(
            activeConnectionPath,
            properties["Connection"].GetObjectPathAsString(),
            properties["Uuid"].GetString(),
            (NmActiveConnectionState)properties["State"].GetUInt32());
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task<NmSettings> GetSettingsAsync(string profilePath, CancellationToken cancellationToken) =>
        CallAsync(profilePath, ConnectionInterface, "GetSettings", null, null,
            (Message m, object? _) =>
            {
                var reader = m.GetBodyReader();
                return NmSettings.Read(ref reader);
            },
            cancellationToken);

    private Task<VariantValue> GetPropertyAsync(string path, string @interface, string property, CancellationToken cancellationToken) =>
        CallAsync(path, PropertiesInterface, "Get", "ss",
            (ref MessageWriter w) =>
            {
                w.WriteString(@interface);
                w.WriteString(property);
            },
            (Message m, object? _) => m.GetBodyReader().ReadVariantValue(),
            cancellationToken);

    private Task<Dictionary<string, VariantValue>> GetAllPropertiesAsync(string path, string @interface, CancellationToken cancellationToken) =>
        CallAsync(path, PropertiesInterface, "GetAll", "s",
            (ref MessageWriter w) => w.WriteString(@interface),
            (Message m, object? _) => m.GetBodyReader().ReadDictionaryOfStringToVariantValue(),
            cancellationToken);

    private async Task<T> CallAsync<T>(
        string path,
        string @interface,
        string member,
        string? signature,
        BodyWriter? body,
        MessageValueReader<T> reader,
        CancellationToken cancellationToken,
        string destination = Service)
    {
        MessageBuffer message;
        var writer = _connection.GetMessageWriter();
        try
        {
            writer.WriteMethodCallHeader(destination, path, @interface, member, signature, MessageFlags.NoAutoStart);
            body?.Invoke(ref writer);
            message = writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }

        try
        {
            return await _connection.CallMethodAsync(message, reader).WaitAsync(CallTimeout, cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new NetworkManagerUnavailableException(BusAddress,
                $"no answer to {@interface}.{member} within {Seconds(CallTimeout)}: the D-Bus system bus or NetworkManager does not respond", e);
        }
        catch (DBusErrorReplyException e) when (e.ErrorName is "org.freedesktop.DBus.Error.ServiceUnknown" or "org.freedesktop.DBus.Error.NameHasNoOwner")
        {
            throw new NetworkManagerUnavailableException(BusAddress, $"no process owns the name {Service} ({e.ErrorMessage})", e);
        }
        catch (DBusErrorReplyException e)
        {
            throw new NetworkManagerException($"NetworkManager {@interface}.{member} on {path} failed: {e.ErrorName}: {e.ErrorMessage}", e)
            {
                ErrorName = e.ErrorName,
            };
        }
        catch (DBusConnectionException e)
        {
            throw new NetworkManagerUnavailableException(BusAddress, $"the bus connection failed during {member} ({e.Message})", e);
        }
    }

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} s";

    private static string ReadObjectPath(Message message, object? state) => message.GetBodyReader().ReadObjectPathAsString();

    private static bool ReadNothing(Message message, object? state) => true;
}
